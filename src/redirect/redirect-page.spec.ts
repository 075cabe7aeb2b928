import { renderDeadLinkPage, renderRedirectPage } from './redirect-page.js';
import { PAGE_LOCALES, PAGE_MESSAGES, pageLocale } from './redirect-page.messages.js';

const FORM = { action: 'redirect/confirm', token: 'token', nonce: 'nonce', automatic: false, retry: false };

describe('the redirect page', () => {
  it.each(PAGE_LOCALES)('is complete and under 10 KB in %s', (locale) => {
    const html = renderRedirectPage(locale, { ...FORM, retry: true, automatic: true }, 'csp');
    expect(Buffer.byteLength(html)).toBeLessThan(10 * 1024);
    for (const text of ['title', 'lead', 'button', 'retry'] as const)
      expect(html).toContain(PAGE_MESSAGES[locale][text]);
    expect(html).toContain(`<html lang="${PAGE_MESSAGES[locale].lang}">`);
    expect(renderDeadLinkPage(locale, 'csp')).toContain(PAGE_MESSAGES[locale].deadText);
  });

  it('escapes what it echoes from the URL', () => {
    const html = renderRedirectPage('en', { ...FORM, token: '"><script>alert(1)</script>' }, 'csp');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it("takes the link's locale, else the browser's preferred supported language, else English", () => {
    expect(pageLocale('fr', 'es')).toBe('fr');
    expect(pageLocale(null, 'de-DE,es;q=0.8,fr;q=0.9')).toBe('fr');
    expect(pageLocale(undefined, 'pt-BR')).toBe('pt-br');
    expect(pageLocale(undefined, 'es;q=0, en;q=0.1')).toBe('en');
    expect(pageLocale(undefined, 'de')).toBe('en');
    expect(pageLocale(undefined, undefined)).toBe('en');
  });
});
