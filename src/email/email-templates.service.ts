import { Injectable, type OnModuleInit } from '@nestjs/common';
import type Handlebars from 'handlebars';
import { StytchException } from '../http/stytch.exception.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import {
  MagicLinksOptionsError,
  type EmailLocale,
  type EmailTemplate,
  type ResolvedMagicLinksOptions,
} from '../options/magic-links.options.js';
import type { EmailKind } from './email-delivery.entity.js';
import { defaultTemplate } from './templates/default-templates.js';

/** The values every template, default or custom, can use. */
export interface MailValues {
  /** The link to click: the gateway's redirect-routing URL. */
  link: string;
  email: string;
  /** How long the link lasts, in words of the mail's locale ("1 hour", "7 jours"). */
  expiration: string;
  expirationMinutes: number;
  appName: string;
  locale: EmailLocale;
  kind: EmailKind;
  firstName: string | undefined;
  lastName: string | undefined;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

interface CompiledTemplate {
  subject: Handlebars.TemplateDelegate<MailValues>;
  html: Handlebars.TemplateDelegate<MailValues>;
  text: Handlebars.TemplateDelegate<MailValues>;
}

const UNITS = [
  { unit: 'day', minutes: 1440 },
  { unit: 'hour', minutes: 60 },
  { unit: 'minute', minutes: 1 },
] as const;

/**
 * Renders mails with Handlebars: HTML escapes every value (`{{…}}`; custom templates must not use `{{{…}}}` for
 * what a user typed), subject and text are plain text. The subject is folded onto one line, and nodemailer encodes
 * every header, so no value can add a header.
 */
@Injectable()
export class EmailTemplatesService implements OnModuleInit {
  /**
   * By `kind:locale` for the defaults, by id for the custom templates (an id has no `:`, so the two never meet);
   * each compiled on first use.
   */
  private readonly compiled = new Map<string, CompiledTemplate>();
  /**
   * Handlebars, loaded when first needed: at start to check custom templates, else on the first mail. An idle
   * gateway that sends no mail need not hold its parser and compiler (about 2 MB of heap).
   */
  private handlebars: Promise<typeof Handlebars> | undefined;

  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  async onModuleInit(): Promise<void> {
    for (const id of Object.keys(this.options.email.templates)) {
      try {
        // Handlebars compiles lazily: render once now, so a broken template fails the start, not a delivery.
        renderWith(await this.template(id, SAMPLE), SAMPLE);
      } catch (error) {
        throw new MagicLinksOptionsError(
          `email template "${id}" does not compile: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  /** Fails with `email_template_not_found` unless `templateId` is registered. */
  check(templateId: string | undefined): void {
    if (templateId !== undefined && !Object.hasOwn(this.options.email.templates, templateId)) {
      throw new StytchException('email_template_not_found');
    }
  }

  async render(templateId: string | null, values: Omit<MailValues, 'expiration' | 'appName'>): Promise<RenderedMail> {
    return renderWith(await this.template(templateId, values), {
      ...values,
      appName: this.options.email.appName,
      expiration: duration(values.expirationMinutes, values.locale),
    });
  }

  /** The custom template `templateId`, or without one the default for the mail's kind and locale, compiled. */
  private async template(
    templateId: string | null,
    { kind, locale }: Pick<MailValues, 'kind' | 'locale'>,
  ): Promise<CompiledTemplate> {
    const key = templateId ?? `${kind}:${locale}`;
    let compiled = this.compiled.get(key);
    if (compiled) return compiled;
    const { templates } = this.options.email;
    let template: EmailTemplate | undefined;
    if (templateId === null) template = defaultTemplate(locale, kind);
    else if (Object.hasOwn(templates, templateId)) template = templates[templateId];
    if (!template) throw new Error(`email template "${templateId}" is no longer registered`);
    this.handlebars ??= import('handlebars').then((module) => module.default);
    compiled = compile(await this.handlebars, template);
    this.compiled.set(key, compiled);
    return compiled;
  }
}

function compile(handlebars: typeof Handlebars, template: EmailTemplate): CompiledTemplate {
  return {
    subject: handlebars.compile<MailValues>(template.subject, { noEscape: true }),
    html: handlebars.compile<MailValues>(template.html),
    text: handlebars.compile<MailValues>(template.text, { noEscape: true }),
  };
}

function renderWith(compiled: CompiledTemplate, values: MailValues): RenderedMail {
  return {
    subject: compiled.subject(values).replace(/\s+/g, ' ').trim(),
    html: compiled.html(values),
    text: compiled.text(values),
  };
}

/** Building an Intl.NumberFormat costs far more than formatting with one: one per locale and unit, built once. */
const formats = new Map<string, Intl.NumberFormat>();

/** "1 hour", "10 minutes", "7 jours": the largest whole unit, in the locale's words. */
export function duration(minutes: number, locale: EmailLocale): string {
  const { unit, minutes: size } = UNITS.find((candidate) => minutes % candidate.minutes === 0)!;
  let format = formats.get(`${locale}:${unit}`);
  if (!format) {
    const language = locale === 'pt-br' ? 'pt-BR' : locale;
    format = new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' });
    formats.set(`${locale}:${unit}`, format);
  }
  return format.format(minutes / size);
}

const SAMPLE: MailValues = {
  link: 'https://example.com/v1/magic_links/redirect?token=sample',
  email: 'ada@example.com',
  expiration: '1 hour',
  expirationMinutes: 60,
  appName: 'Example',
  locale: 'en',
  kind: 'login',
  firstName: 'Ada',
  lastName: 'Lovelace',
};
