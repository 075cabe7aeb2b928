import type { DeviceAttributes } from '../device/device-attributes.decorator.js';

/**
 * What a request to the redirect page says about who sent it. Each is a reason to think it was not a person at a
 * browser; `no_script` alone is not (a person may browse with JavaScript off).
 */
export type BotSignal =
  /** No User-Agent, or one of a tool, crawler or mail scanner. */
  | 'bot_user_agent'
  /** Headless Chrome says so in its User-Agent unless told otherwise. */
  | 'headless_user_agent'
  /** No `Sec-Fetch-Site`/`Sec-Fetch-Mode`: every current browser sends them, HTTP libraries do not. */
  | 'no_fetch_metadata'
  /** A Chromium User-Agent on a secure origin without the `Sec-CH-UA` client hints Chromium always sends there. */
  | 'no_client_hints'
  /** Client hints whose brand versions do not match the User-Agent's, or client hints from a non-Chromium one. */
  | 'client_hints_mismatch'
  /** The confirm did not come from this origin's own page (`Sec-Fetch-Site` or `Origin` says another site). */
  | 'cross_site'
  /** `navigator.webdriver` was true: the browser is driven by automation (WebDriver, CDP, Playwright). */
  | 'webdriver'
  /** The page script ran but saw no trusted, user-activated click on the button. */
  | 'untrusted_click'
  /** The click came sooner after the page was shown than a person reads and clicks. */
  | 'too_fast'
  /** The confirm came without the page script's fields: JavaScript was off, or the form was posted by a tool. */
  | 'no_script';

/** Signals that do not block a confirm on their own. */
export const INFORMATIONAL_SIGNALS: ReadonlySet<BotSignal> = new Set(['no_script']);

/** Less than this between showing the page and the click is not a person reading it. */
export const MIN_CLICK_DELAY_MS = 1000;

const BOT_USER_AGENT =
  /\bbot\b|bot[/;)-]|crawl|spider|slurp|curl\/|wget|python|go-http|java\/|okhttp|libwww|httpclient|node-fetch|undici|axios|headless|phantomjs|barracuda|proofpoint|mimecast|safelinks|ciscosecureemail|tmes|scanner|preview/i;

type Headers = Record<string, string | string[] | undefined>;

export interface RequestFacts {
  headers: Headers;
  device: DeviceAttributes;
  /** `https` or `http`, as the client used it (trusted-proxy aware). */
  protocol: string;
  hostname: string;
}

/** What every request to the page, a view included, tells from its headers alone. */
export function headerSignals({ headers, device, protocol, hostname }: RequestFacts): BotSignal[] {
  const signals: BotSignal[] = [];
  const userAgent = device.user_agent;
  if (/HeadlessChrome/.test(userAgent) || /Headless/i.test(device.client_hints?.brands ?? '')) {
    signals.push('headless_user_agent');
  } else if (userAgent.trim() === '' || BOT_USER_AGENT.test(userAgent)) {
    signals.push('bot_user_agent');
  }
  if (header(headers, 'sec-fetch-site') === undefined || header(headers, 'sec-fetch-mode') === undefined) {
    signals.push('no_fetch_metadata');
  }
  const chromiumMajor = /(?:Chrome|Chromium|CriOS)\/(\d+)/.exec(userAgent)?.[1];
  const brands = device.client_hints?.brands;
  // Chromium sends client hints only to secure origins (https, or localhost while developing).
  const secure = protocol === 'https' || /^(localhost|127\.0\.0\.1|\[::1\])$/.test(hostname);
  if (brands === undefined) {
    if (chromiumMajor !== undefined && Number(chromiumMajor) >= 90 && secure && !/CriOS/.test(userAgent)) {
      signals.push('no_client_hints');
    }
  } else {
    const versions = [...brands.matchAll(/v="(\d+)/g)].map((match) => match[1]);
    if (chromiumMajor === undefined || !versions.includes(chromiumMajor)) signals.push('client_hints_mismatch');
  }
  return signals;
}

/** What the page script reported with a confirm, and how the confirm was sent. */
export interface ConfirmFacts extends RequestFacts {
  /** The origin the page was served from, to tell our own form's post from another site's. */
  origin: string;
  /** `1` when the page script ran and filled its fields. */
  script: string | undefined;
  /** True for the page's own confirm in auto mode: no click is required, every other signal is. */
  automatic: boolean;
  trusted: string | undefined;
  webdriver: string | undefined;
  /** Milliseconds since the page carrying this confirm's nonce was shown. */
  sinceShownMs: number;
}

/** Every signal of a confirm: the headers', then what the page script and the timing say. */
export function confirmSignals(facts: ConfirmFacts): BotSignal[] {
  const signals = headerSignals(facts);
  const site = header(facts.headers, 'sec-fetch-site');
  const origin = header(facts.headers, 'origin');
  // The page's `Referrer-Policy: no-referrer` makes its own form post send `Origin: null`, so `Sec-Fetch-Site`
  // decides, and `Origin` only where a browser without fetch metadata sent a real one.
  const otherOrigin = origin !== undefined && origin !== 'null' && origin !== facts.origin;
  if (site !== undefined ? site !== 'same-origin' : otherOrigin) signals.push('cross_site');
  if (facts.script !== '1') {
    signals.push('no_script');
  } else {
    if (facts.webdriver !== '0') signals.push('webdriver');
    if (!facts.automatic && facts.trusted !== '1') signals.push('untrusted_click');
  }
  if (!facts.automatic && facts.sinceShownMs < MIN_CLICK_DELAY_MS) signals.push('too_fast');
  return signals;
}

/** A request header's value, the first one if it was sent several times. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
