import { StytchException } from '../http/stytch.exception.js';
import { EMAIL_LOCALES, MagicLinksOptionsError, resolveMagicLinksOptions } from '../options/magic-links.options.js';
import { duration, EmailTemplatesService } from './email-templates.service.js';

const BASE = { projectId: 'project-test-11111111-1111-4111-8111-111111111111', secret: 'a-secret-of-16-chars' };
const VALUES = {
  link: 'https://auth.example.com/v1/magic_links/redirect?public_token=p&stytch_token_type=magic_links&token=t',
  email: 'ada@example.com',
  expirationMinutes: 60,
  firstName: undefined,
  lastName: undefined,
};

/** The service as Nest starts it: constructed, then initialised (custom templates are checked there). */
async function service(templates = {}): Promise<EmailTemplatesService> {
  const templatesService = new EmailTemplatesService(
    resolveMagicLinksOptions({ ...BASE, email: { appName: 'Acme', templates } }),
  );
  await templatesService.onModuleInit();
  return templatesService;
}

describe('EmailTemplatesService', () => {
  it('has a login, sign-up and invite mail in every locale, with the link in both parts', async () => {
    const templates = await service();
    for (const locale of EMAIL_LOCALES) {
      for (const kind of ['login', 'signup', 'invite'] as const) {
        const mail = await templates.render(null, { ...VALUES, locale, kind });
        expect(mail.subject).toContain('Acme');
        expect(mail.text).toContain(VALUES.link);
        expect(mail.html).toContain('href="https://auth.example.com/v1/magic_links/redirect?');
        expect(mail.html).toContain(`lang="${locale}"`);
      }
    }
  });

  it('escapes values in HTML, keeps them plain in text, and folds the subject onto one line', async () => {
    const templates = await service({
      custom: { subject: 'Hi {{firstName}}', html: '<p>{{firstName}}</p>', text: 'Hi {{firstName}}' },
    });
    const mail = await templates.render('custom', {
      ...VALUES,
      locale: 'en',
      kind: 'login',
      firstName: '<img src=x onerror=alert(1)>\r\nBcc: attacker@evil.example',
    });
    expect(mail.html).toBe('<p>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;\r\nBcc: attacker@evil.example</p>');
    expect(mail.subject).toBe('Hi <img src=x onerror=alert(1)> Bcc: attacker@evil.example');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('<img src=x onerror=alert(1)>');
  });

  it('refuses an unknown template id with email_template_not_found', async () => {
    const templates = await service({ known: { subject: 's', html: 'h', text: 't' } });
    expect(() => templates.check('known')).not.toThrow();
    expect(() => templates.check(undefined)).not.toThrow();
    expect(() => templates.check('unknown')).toThrow(StytchException);
  });

  it('fails at start on a template that does not compile', async () => {
    await expect(service({ broken: { subject: '{{#if}}', html: 'h', text: 't' } })).rejects.toThrow(
      MagicLinksOptionsError,
    );
  });

  it('refuses a template id that names a property of every object', async () => {
    const templates = await service({ known: { subject: 's', html: 'h', text: 't' } });
    expect(() => templates.check('toString')).toThrow(StytchException);
    await expect(templates.render('toString', { ...VALUES, locale: 'en', kind: 'login' })).rejects.toThrow(
      'is no longer registered',
    );
  });

  it('says how long a link lasts in the largest whole unit, in the locale', () => {
    expect(duration(60, 'en').replace(/\s/g, ' ')).toBe('1 hour');
    expect(duration(10080, 'fr').replace(/\s/g, ' ')).toBe('7 jours');
    expect(duration(90, 'es').replace(/\s/g, ' ')).toBe('90 minutos');
    expect(duration(120, 'pt-br').replace(/\s/g, ' ')).toBe('2 horas');
  });
});
