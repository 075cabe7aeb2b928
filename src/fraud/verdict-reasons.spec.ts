import { parseTelemetrySignals, type TelemetrySignals } from './telemetry-signals.js';
import { detectedDeviceType, signalReasons, utcOffsetMinutes, type TelemetryRequest } from './verdict-reasons.js';

const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/** What the script sends from Chrome on a Mac in Paris, as the browser reports it. */
function signals(changes: Record<string, unknown> = {}): TelemetrySignals {
  const offset = -(utcOffsetMinutes('Europe/Paris', new Date()) ?? 0);
  return parseTelemetrySignals(
    JSON.stringify({
      v: 1,
      user_agent: CHROME_MAC,
      ua_data: { brands: ['Chromium;140', 'Google Chrome;140', 'Not=A?Brand;24'], mobile: false, platform: 'macOS' },
      platform: 'MacIntel',
      languages: ['fr-FR', 'fr', 'en'],
      language: 'fr-FR',
      timezone: 'Europe/Paris',
      timezone_offset: offset,
      webgl_renderer: 'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)',
      webdriver: false,
      traces: [],
      notifications: 'default/prompt',
      ...changes,
    }),
  )!;
}

const REQUEST: TelemetryRequest = {
  userAgent: CHROME_MAC,
  clientHintBrands: '"Chromium";v="140", "Google Chrome";v="140", "Not=A?Brand";v="24"',
  acceptLanguage: 'fr-FR,fr;q=0.9,en;q=0.8',
};

describe('the verdict reasons the signals raise', () => {
  it("finds none on a person's browser, and names its device", () => {
    expect(signalReasons(signals(), REQUEST)).toEqual([]);
    expect(detectedDeviceType(signals())).toBe('MAC_DESKTOP');
  });

  it('flags automation: webdriver, automation globals, a headless User-Agent', () => {
    expect(signalReasons(signals({ webdriver: true }), REQUEST)).toEqual(['HEADLESS_BROWSER_AUTOMATION']);
    expect(signalReasons(signals({ traces: ['__pwInitScripts'] }), REQUEST)).toEqual(['HEADLESS_BROWSER_AUTOMATION']);
    const headless = CHROME_MAC.replace('Chrome/', 'HeadlessChrome/');
    expect(signalReasons(signals({ user_agent: headless }), { ...REQUEST, userAgent: headless })).toContain(
      'HEADLESS_BROWSER_AUTOMATION',
    );
  });

  it('flags a User-Agent that its client hints, platform or header contradict', () => {
    const windows = CHROME_MAC.replace('Macintosh; Intel Mac OS X 10_15_7', 'Windows NT 10.0; Win64; x64');
    expect(signalReasons(signals({ user_agent: windows }), { ...REQUEST, userAgent: windows })).toEqual([
      'USER_AGENT_DECEPTION',
    ]);
    expect(signalReasons(signals(), { ...REQUEST, userAgent: 'curl/8.5.0' })).toEqual(['USER_AGENT_DECEPTION']);
    expect(signalReasons(signals(), { ...REQUEST, clientHintBrands: '"Chromium";v="120"' })).toEqual([
      'USER_AGENT_DECEPTION',
    ]);
  });

  it("flags a hypervisor's or emulator's GPU, not Chrome's own software fallback", () => {
    expect(signalReasons(signals({ webgl_renderer: 'VMware SVGA 3D' }), REQUEST)).toEqual(['VIRTUAL_MACHINE']);
    expect(signalReasons(signals({ webgl_renderer: 'Android Emulator OpenGL ES Translator' }), REQUEST)).toEqual([
      'VIRTUAL_MACHINE',
    ]);
    expect(signalReasons(signals({ webgl_renderer: 'ANGLE (Google, SwiftShader driver)' }), REQUEST)).toEqual([]);
  });

  it('flags a time zone the clock contradicts, an unknown zone, and languages that disagree', () => {
    const tokyo = -(utcOffsetMinutes('Asia/Tokyo', new Date()) ?? 0);
    expect(signalReasons(signals({ timezone_offset: tokyo }), REQUEST)).toEqual(['TIMEZONE_LANGUAGE_MISMATCH']);
    expect(signalReasons(signals({ timezone: 'Mars/Olympus' }), REQUEST)).toEqual(['TIMEZONE_LANGUAGE_MISMATCH']);
    expect(signalReasons(signals({ languages: [] }), REQUEST)).toEqual(['TIMEZONE_LANGUAGE_MISMATCH']);
    expect(signalReasons(signals(), { ...REQUEST, acceptLanguage: 'ja-JP' })).toEqual(['TIMEZONE_LANGUAGE_MISMATCH']);
  });

  it('reads offsets of zones east and west of UTC', () => {
    expect(utcOffsetMinutes('Asia/Kolkata', new Date('2026-01-15T00:00:00Z'))).toBe(330);
    expect(utcOffsetMinutes('America/New_York', new Date('2026-01-15T00:00:00Z'))).toBe(-300);
    expect(utcOffsetMinutes('UTC', new Date())).toBe(0);
  });

  it('reads nothing but the script object, bounded', () => {
    expect(parseTelemetrySignals('{"v":2}')).toBeUndefined();
    expect(parseTelemetrySignals('not json')).toBeUndefined();
    expect(parseTelemetrySignals(`{"v":1,"user_agent":"${'x'.repeat(20_000)}"}`)).toBeUndefined();
    expect(parseTelemetrySignals('{"v":1,"canvas":"<script>","visitor_key":"short"}')).toMatchObject({
      canvas: '',
      visitorKey: undefined,
    });
  });
});
