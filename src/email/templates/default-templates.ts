import type { EmailLocale, EmailTemplate } from '../../options/magic-links.options.js';
import type { EmailKind } from '../email-delivery.entity.js';
import { mailCopy } from './default-copy.js';

/**
 * The default mail of a kind in a locale, as Handlebars sources: the copy of default-copy.ts in a plain, robust
 * layout (a table and inline styles, which every mail client renders), with the link as a button and as text.
 */
export function defaultTemplate(locale: EmailLocale, kind: EmailKind): EmailTemplate {
  const copy = mailCopy(locale, kind);
  const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${copy.subject}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;background:#ffffff;border-radius:8px;padding:32px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2933;font-size:16px;line-height:1.5;">
<tr><td>
<p style="margin:0 0 16px;">${copy.greeting}</p>
<p style="margin:0 0 24px;">${copy.intro}</p>
<p style="margin:0 0 24px;text-align:center;">
<a href="{{link}}" style="display:inline-block;background:#2457d6;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 24px;border-radius:6px;">${copy.button}</a>
</p>
<p style="margin:0 0 16px;">${copy.expiry}</p>
<p style="margin:0 0 8px;font-size:14px;color:#52606d;">${copy.fallback}</p>
<p style="margin:0 0 24px;font-size:14px;word-break:break-all;"><a href="{{link}}" style="color:#2457d6;">{{link}}</a></p>
<p style="margin:0;font-size:14px;color:#52606d;">${copy.ignore}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
  const text = `${copy.greeting}

${copy.intro}

${copy.button}:
{{link}}

${copy.expiry}

${copy.ignore}
`;
  return { subject: copy.subject, html, text };
}
