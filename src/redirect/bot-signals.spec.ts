import { confirmSignals, headerSignals, MIN_CLICK_DELAY_MS, type ConfirmFacts } from './bot-signals.js';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const FETCH_METADATA = { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate', 'sec-fetch-user': '?1' };
const BRANDS = '"Chromium";v="140", "Google Chrome";v="140", "Not=A?Brand";v="24"';

function facts(overrides: Partial<ConfirmFacts> & { userAgent?: string; brands?: string } = {}): ConfirmFacts {
  const { userAgent = CHROME, brands = BRANDS, ...rest } = overrides;
  return {
    headers: FETCH_METADATA,
    device: { ip_address: '203.0.113.7', user_agent: userAgent, ...(brands && { client_hints: { brands } }) },
    protocol: 'https',
    hostname: 'auth.example.com',
    origin: 'https://auth.example.com',
    script: '1',
    automatic: false,
    trusted: '1',
    webdriver: '0',
    sinceShownMs: 4000,
    ...rest,
  };
}

describe('bot signals', () => {
  it("find nothing in a person's click in Chrome, nor in Safari (which sends no client hints)", () => {
    expect(confirmSignals(facts())).toEqual([]);
    expect(confirmSignals(facts({ userAgent: SAFARI, brands: '' }))).toEqual([]);
  });

  it('name what gives a tool or a scanner away', () => {
    expect(headerSignals(facts({ userAgent: 'curl/8.5.0', brands: '', headers: {} }))).toEqual([
      'bot_user_agent',
      'no_fetch_metadata',
    ]);
    expect(headerSignals(facts({ userAgent: '', brands: '' }))).toEqual(['bot_user_agent']);
    expect(headerSignals(facts({ userAgent: CHROME.replace('Chrome/', 'HeadlessChrome/') }))).toEqual([
      'headless_user_agent',
    ]);
    expect(headerSignals(facts({ brands: '' }))).toEqual(['no_client_hints']);
    expect(headerSignals(facts({ brands: '"Chromium";v="120"' }))).toEqual(['client_hints_mismatch']);
    expect(headerSignals(facts({ userAgent: SAFARI }))).toEqual(['client_hints_mismatch']);
  });

  it('do not expect client hints where Chromium sends none: plain http to a remote host', () => {
    expect(headerSignals(facts({ brands: '', protocol: 'http' }))).toEqual([]);
    expect(headerSignals(facts({ brands: '', protocol: 'http', hostname: 'localhost' }))).toEqual(['no_client_hints']);
  });

  it("judge a confirm by the page script's report, its timing and where it was posted from", () => {
    expect(confirmSignals(facts({ webdriver: '1' }))).toEqual(['webdriver']);
    expect(confirmSignals(facts({ trusted: '0' }))).toEqual(['untrusted_click']);
    expect(confirmSignals(facts({ sinceShownMs: MIN_CLICK_DELAY_MS - 1 }))).toEqual(['too_fast']);
    expect(confirmSignals(facts({ script: undefined }))).toEqual(['no_script']);
    expect(confirmSignals(facts({ headers: { ...FETCH_METADATA, 'sec-fetch-site': 'cross-site' } }))).toEqual([
      'cross_site',
    ]);
    // The page's no-referrer policy turns its own Origin into "null"; a real other origin still counts.
    expect(confirmSignals(facts({ headers: { origin: 'null', 'sec-fetch-mode': 'navigate' } }))).toEqual([
      'no_fetch_metadata',
    ]);
    expect(
      confirmSignals(facts({ headers: { origin: 'https://evil.example', 'sec-fetch-mode': 'navigate' } })),
    ).toEqual(['no_fetch_metadata', 'cross_site']);
  });

  it("need no click nor reading time for auto mode's own confirm, but every other signal", () => {
    expect(confirmSignals(facts({ automatic: true, trusted: '0', sinceShownMs: 300 }))).toEqual([]);
    expect(confirmSignals(facts({ automatic: true, trusted: '0', webdriver: '1' }))).toEqual(['webdriver']);
  });
});
