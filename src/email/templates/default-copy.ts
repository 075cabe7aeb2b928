import type { EmailLocale } from '../../options/magic-links.options.js';
import type { EmailKind } from '../email-delivery.entity.js';

/**
 * The words of the default mails, per locale and kind. Each string is a Handlebars template over the same values
 * as custom templates (`appName`, `expiration`, `firstName`, …) and is put into the layouts of default-templates.ts.
 */
export interface MailCopy {
  subject: string;
  greeting: string;
  intro: string;
  button: string;
  expiry: string;
  fallback: string;
  ignore: string;
}

type Phrases = Omit<MailCopy, 'subject' | 'intro' | 'button'>;

const COMMON: Record<EmailLocale, Phrases> = {
  en: {
    greeting: '{{#if firstName}}Hi {{firstName}},{{else}}Hi,{{/if}}',
    expiry: 'This link works once and expires in {{expiration}}.',
    fallback: 'If the button does not work, copy this link into your browser:',
    ignore:
      "Didn't ask for this? You can safely ignore this email: nothing happens unless someone opens the link, and it expires on its own.",
  },
  es: {
    greeting: '{{#if firstName}}Hola, {{firstName}}:{{else}}Hola:{{/if}}',
    expiry: 'Este enlace solo se puede usar una vez y caduca en {{expiration}}.',
    fallback: 'Si el botón no funciona, copia este enlace en tu navegador:',
    ignore:
      '¿No lo has pedido tú? Puedes ignorar este correo sin problema: no pasa nada si nadie abre el enlace, y caduca solo.',
  },
  fr: {
    greeting: '{{#if firstName}}Bonjour {{firstName}},{{else}}Bonjour,{{/if}}',
    expiry: 'Ce lien ne sert qu’une fois et expire dans {{expiration}}.',
    fallback: 'Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :',
    ignore:
      'Vous n’avez rien demandé ? Ignorez simplement cet e-mail : rien ne se passe tant que personne n’ouvre le lien, et il expire tout seul.',
  },
  'pt-br': {
    greeting: '{{#if firstName}}Olá, {{firstName}},{{else}}Olá,{{/if}}',
    expiry: 'Este link só pode ser usado uma vez e expira em {{expiration}}.',
    fallback: 'Se o botão não funcionar, copie este link no seu navegador:',
    ignore:
      'Não foi você que pediu? Pode ignorar este e-mail com segurança: nada acontece se ninguém abrir o link, e ele expira sozinho.',
  },
};

const SPECIFIC: Record<EmailLocale, Record<EmailKind, Pick<MailCopy, 'subject' | 'intro' | 'button'>>> = {
  en: {
    login: {
      subject: 'Your sign-in link for {{appName}}',
      intro: 'Someone, hopefully you, asked to sign in to {{appName}} as {{email}}. Use the button below to sign in.',
      button: 'Sign in to {{appName}}',
    },
    signup: {
      subject: 'Finish creating your {{appName}} account',
      intro: 'Welcome! Confirm that {{email}} is your address to finish creating your {{appName}} account.',
      button: 'Confirm and create my account',
    },
    invite: {
      subject: "You've been invited to {{appName}}",
      intro: 'You have been invited to join {{appName}} as {{email}}. Accept the invitation to set up your account.',
      button: 'Accept the invitation',
    },
  },
  es: {
    login: {
      subject: 'Tu enlace para iniciar sesión en {{appName}}',
      intro:
        'Alguien, seguramente tú, ha pedido iniciar sesión en {{appName}} como {{email}}. Usa el botón para entrar.',
      button: 'Iniciar sesión en {{appName}}',
    },
    signup: {
      subject: 'Termina de crear tu cuenta de {{appName}}',
      intro: '¡Bienvenido! Confirma que {{email}} es tu dirección para terminar de crear tu cuenta de {{appName}}.',
      button: 'Confirmar y crear mi cuenta',
    },
    invite: {
      subject: 'Te han invitado a {{appName}}',
      intro: 'Te han invitado a unirte a {{appName}} como {{email}}. Acepta la invitación para configurar tu cuenta.',
      button: 'Aceptar la invitación',
    },
  },
  fr: {
    login: {
      subject: 'Votre lien de connexion à {{appName}}',
      intro:
        'Quelqu’un, sans doute vous, a demandé à se connecter à {{appName}} avec {{email}}. Utilisez le bouton pour vous connecter.',
      button: 'Me connecter à {{appName}}',
    },
    signup: {
      subject: 'Terminez la création de votre compte {{appName}}',
      intro:
        'Bienvenue ! Confirmez que {{email}} est bien votre adresse pour terminer la création de votre compte {{appName}}.',
      button: 'Confirmer et créer mon compte',
    },
    invite: {
      subject: 'Vous êtes invité·e à rejoindre {{appName}}',
      intro:
        'Vous êtes invité·e à rejoindre {{appName}} avec {{email}}. Acceptez l’invitation pour configurer votre compte.',
      button: 'Accepter l’invitation',
    },
  },
  'pt-br': {
    login: {
      subject: 'Seu link para entrar no {{appName}}',
      intro:
        'Alguém, provavelmente você, pediu para entrar no {{appName}} como {{email}}. Use o botão abaixo para entrar.',
      button: 'Entrar no {{appName}}',
    },
    signup: {
      subject: 'Termine de criar sua conta no {{appName}}',
      intro: 'Boas-vindas! Confirme que {{email}} é o seu endereço para terminar de criar sua conta no {{appName}}.',
      button: 'Confirmar e criar minha conta',
    },
    invite: {
      subject: 'Você foi convidado para o {{appName}}',
      intro:
        'Você foi convidado para participar do {{appName}} como {{email}}. Aceite o convite para configurar sua conta.',
      button: 'Aceitar o convite',
    },
  },
};

export function mailCopy(locale: EmailLocale, kind: EmailKind): MailCopy {
  return { ...COMMON[locale], ...SPECIFIC[locale][kind] };
}
