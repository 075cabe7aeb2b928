import { telemetryScript } from '../fraud/telemetry-script.js';
import { PAGE_MESSAGES, type PageLocale } from './redirect-page.messages.js';

/** The form the page posts, its hidden fields, and whether the page may continue by itself (auto mode). */
export interface RedirectForm {
  /** Relative to the page's own URL, so the page works under any route prefix. */
  action: string;
  token: string;
  nonce: string;
  automatic: boolean;
  /** Set when a confirm was refused and the person may try again. */
  retry: boolean;
  /** The gateway's base path, where the device telemetry script posts (docs/device-fingerprinting.md). */
  telemetryBase?: string;
}

const STYLE =
  'body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1b1f24}' +
  'main{max-width:28rem;margin:10vh auto 0;padding:2rem 1.5rem;background:#fff;border-radius:12px;' +
  'box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}p{margin:0 0 1.5rem}' +
  '.n{padding:.75rem 1rem;border-left:4px solid #a14e00;background:#fff4e5}' +
  'button{width:100%;min-height:48px;font:inherit;font-weight:600;color:#fff;background:#1f5fd6;border:0;' +
  'border-radius:8px;cursor:pointer}button:focus-visible{outline:3px solid #0b3a8f;outline-offset:3px}' +
  '@media (max-width:30rem){main{margin:0;min-height:100vh;border-radius:0;box-shadow:none}}' +
  '@media (prefers-color-scheme:dark){body{background:#111418;color:#e8eaed}main{background:#1b1f24}' +
  '.n{background:#3a2a10}}';

/**
 * The page's script. It only fills the form's hidden fields: a click on the button counts if it was a trusted,
 * user-activated click; `navigator.webdriver` is reported; the fingerprint is a 64-bit hash (cyrb53) of stable
 * browser properties, computed here so no third party sees the visitor. Before posting, it gets a device telemetry id
 * from the telemetry script inlined before it (the confirm is sent without one if that fails). In auto mode it posts
 * the form itself once the page is visible; otherwise nothing is sent until the button is pressed.
 */
const SCRIPT = `(function(){
var f=document.getElementById('f'),n=navigator,clicked=false;
function hash(s){var a=0xdeadbeef,b=0x41c6ce57;for(var i=0;i<s.length;i++){var c=s.charCodeAt(i);a=Math.imul(a^c,2654435761);b=Math.imul(b^c,1597334677);}
a=Math.imul(a^(a>>>16),2246822507)^Math.imul(b^(b>>>13),3266489909);b=Math.imul(b^(b>>>16),2246822507)^Math.imul(a^(a>>>13),3266489909);
return('0000000'+(b>>>0).toString(16)).slice(-8)+('0000000'+(a>>>0).toString(16)).slice(-8);}
function fingerprint(){var s=screen,p=[n.userAgent,(n.languages||[n.language]).join(','),n.platform,n.hardwareConcurrency,n.deviceMemory,n.maxTouchPoints,s.width+'x'+s.height+'x'+s.colorDepth,window.devicePixelRatio];
try{p.push(Intl.DateTimeFormat().resolvedOptions().timeZone);}catch(e){}
try{var c=document.createElement('canvas'),x=c.getContext('2d');x.font='16px sans-serif';x.fillText('Magic links \\u2713',2,16);p.push(c.toDataURL());}catch(e){}
return hash(p.join('|'));}
function fill(auto){var e=f.elements;e.js.value='1';e.auto.value=auto?'1':'';e.trusted.value=clicked?'1':'0';e.webdriver.value=n.webdriver?'1':'0';e.fingerprint.value=fingerprint();}
var sending=false;
function send(auto){if(sending)return;sending=true;var post=function(t){f.elements.telemetry_id.value=t||'';fill(auto);f.submit();};
if(window.GetTelemetryID)window.GetTelemetryID().then(post,function(){post('');});else post('');}
f.querySelector('button').addEventListener('click',function(e){clicked=e.isTrusted&&(!n.userActivation||n.userActivation.isActive);});
f.addEventListener('submit',function(e){e.preventDefault();send(false);});
if(f.getAttribute('data-auto')==='1'){var go=function(){if(document.visibilityState!=='visible')return;document.removeEventListener('visibilitychange',go);setTimeout(function(){send(true);},250);};
document.addEventListener('visibilitychange',go);go();}
})();`;

/** The page behind an emailed link: one button that posts the confirm form. */
export function renderRedirectPage(locale: PageLocale, form: RedirectForm, cspNonce: string): string {
  const m = PAGE_MESSAGES[locale];
  const hidden = (name: string, value = '') => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const body =
    `<h1>${m.title}</h1><p>${m.lead}</p>` +
    (form.retry ? `<p class="n" role="alert">${m.retry}</p>` : '') +
    `<form id="f" method="post" action="${escapeHtml(form.action)}"${form.automatic ? ' data-auto="1"' : ''}>` +
    hidden('token', form.token) +
    hidden('nonce', form.nonce) +
    ['js', 'auto', 'trusted', 'webdriver', 'fingerprint', 'telemetry_id'].map((name) => hidden(name)).join('') +
    `<button type="submit">${m.button}</button></form>`;
  return document(m.lang, m.title, body, cspNonce, telemetryScript(form.telemetryBase ?? '/') + SCRIPT);
}

/** The confirm step's answer for a link that was used, expired or never existed. */
export function renderDeadLinkPage(locale: PageLocale, cspNonce: string): string {
  const m = PAGE_MESSAGES[locale];
  return document(m.lang, m.deadTitle, `<h1>${m.deadTitle}</h1><p>${m.deadText}</p>`, cspNonce);
}

function document(lang: string, title: string, body: string, cspNonce: string, script?: string): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow">' +
    `<title>${title}</title><style nonce="${cspNonce}">${STYLE}</style></head><body><main>${body}</main>` +
    (script ? `<script nonce="${cspNonce}">${script}</script>` : '') +
    '</body></html>'
  );
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}
