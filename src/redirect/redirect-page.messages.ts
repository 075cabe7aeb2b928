/** The locales an emailed link can carry (Stytch's `locale`). */
export type PageLocale = 'en' | 'es' | 'fr' | 'pt-br';
export const PAGE_LOCALES: readonly PageLocale[] = ['en', 'es', 'fr', 'pt-br'];

export interface PageMessages {
  /** The `lang` attribute. */
  lang: string;
  title: string;
  lead: string;
  button: string;
  /** Shown above the button when a confirm was refused and the person may simply try again. */
  retry: string;
  /** The page for a link that was used, expired or never existed, shown at the confirm step. */
  deadTitle: string;
  deadText: string;
}

/**
 * Every text of the redirect pages. None depends on the link's state or kind, so the first page is the same for a
 * valid, used, expired or unknown token.
 */
export const PAGE_MESSAGES: Record<PageLocale, PageMessages> = {
  en: {
    lang: 'en',
    title: 'Continue signing in',
    lead: 'To protect your account, confirm that you opened this link yourself.',
    button: 'Continue',
    retry: 'We could not confirm this request. If you are the one signing in, press Continue again.',
    deadTitle: 'This link can no longer be used',
    deadText:
      'It has expired or was already used. Go back to the app or site you were signing in to and ask for a new link.',
  },
  es: {
    lang: 'es',
    title: 'Continúa para iniciar sesión',
    lead: 'Para proteger tu cuenta, confirma que abriste este enlace tú mismo.',
    button: 'Continuar',
    retry: 'No pudimos confirmar esta solicitud. Si eres tú quien inicia sesión, pulsa Continuar de nuevo.',
    deadTitle: 'Este enlace ya no se puede usar',
    deadText:
      'Ha caducado o ya se usó. Vuelve a la aplicación o al sitio donde iniciabas sesión y solicita un enlace nuevo.',
  },
  fr: {
    lang: 'fr',
    title: 'Continuer la connexion',
    lead: 'Pour protéger votre compte, confirmez que c’est bien vous qui avez ouvert ce lien.',
    button: 'Continuer',
    retry:
      'Nous n’avons pas pu confirmer cette demande. Si c’est bien vous qui vous connectez, appuyez de nouveau sur Continuer.',
    deadTitle: 'Ce lien ne peut plus être utilisé',
    deadText:
      'Il a expiré ou a déjà été utilisé. Revenez à l’application ou au site auquel vous vous connectiez et demandez un nouveau lien.',
  },
  'pt-br': {
    lang: 'pt-BR',
    title: 'Continue para entrar',
    lead: 'Para proteger sua conta, confirme que foi você quem abriu este link.',
    button: 'Continuar',
    retry: 'Não conseguimos confirmar esta solicitação. Se é você quem está entrando, toque em Continuar novamente.',
    deadTitle: 'Este link não pode mais ser usado',
    deadText:
      'Ele expirou ou já foi usado. Volte ao aplicativo ou site em que você estava entrando e peça um novo link.',
  },
};

/**
 * The link's own locale when it has one, else the best of the browser's `Accept-Language`, else English. A link
 * always has one, so only unknown tokens (whose page nobody can tell apart anyway) depend on the browser.
 */
export function pageLocale(linkLocale: string | null | undefined, acceptLanguage: string | undefined): PageLocale {
  if (linkLocale && (PAGE_LOCALES as readonly string[]).includes(linkLocale)) return linkLocale as PageLocale;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .find((param) => param.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { tag, q: Number.isNaN(q) ? 0 : q, index };
    })
    .filter(({ tag, q }) => tag && q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'pt-br' || tag === 'pt') return 'pt-br';
    const base = tag.split('-')[0];
    if (base === 'en' || base === 'es' || base === 'fr') return base;
  }
  return 'en';
}
