import { chromium, type Browser, type BrowserContext } from 'playwright-core';

const ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Headless Chromium as Playwright drives it by default, which is what mail scanners run: it says `HeadlessChrome`
 * in its User-Agent and reports `navigator.webdriver`.
 */
export function launchScannerBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
}

/**
 * The closest a test gets to a person's browser: the same Chromium without the automation flag, with the
 * User-Agent of the desktop Chrome of the same version. (A scanner can disguise itself this way too; in `click`
 * mode it still has to click, in `auto` mode it passes: docs/redirect-routing.md says so.)
 */
export async function launchPersonBrowser(
  options: { args?: string[]; ignoreHTTPSErrors?: boolean } = {},
): Promise<{ browser: Browser; context: BrowserContext; userAgent: string }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...ARGS, '--disable-blink-features=AutomationControlled', ...(options.args ?? [])],
  });
  const major = browser.version().split('.')[0];
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
  const context = await browser.newContext({ userAgent, ignoreHTTPSErrors: options.ignoreHTTPSErrors });
  return { browser, context, userAgent };
}
