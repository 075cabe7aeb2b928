/** The most the telemetry form's `signals` field may hold; the script sends about 2 KB. */
export const MAX_SIGNALS_LENGTH = 16 * 1024;

/** What the telemetry script reports, read defensively: every field bounded, anything malformed left empty. */
export interface TelemetrySignals {
  userAgent: string;
  uaData: { brands: string[]; mobile: boolean; platform: string; architecture: string; bitness: string } | null;
  platform: string;
  vendor: string;
  languages: string[];
  language: string;
  timezone: string;
  /** `Date.prototype.getTimezoneOffset()`: minutes west of UTC. */
  timezoneOffset: number | null;
  /** width, height, availWidth, availHeight, colorDepth, devicePixelRatio, outer and inner window sizes. */
  screen: number[];
  hardwareConcurrency: number;
  deviceMemory: number;
  maxTouchPoints: number;
  canvas: string;
  webglVendor: string;
  webglRenderer: string;
  webgl: string;
  audio: string;
  fonts: string[];
  webdriver: boolean;
  /** Globals that automation tools leave in the page. */
  traces: string[];
  plugins: number;
  chrome: boolean;
  /** `Notification.permission` and the Permissions API's answer for notifications, `default/prompt` on a person's browser. */
  notifications: string;
  /** The random key the script keeps in localStorage; absent when storage is unavailable. */
  visitorKey: string | undefined;
}

/** Parses the JSON the script posted; undefined when it is not the script's object at all. */
export function parseTelemetrySignals(raw: unknown): TelemetrySignals | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_SIGNALS_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const s = value as Record<string, unknown>;
  if (s.v !== 1) return undefined;
  const ua = typeof s.ua_data === 'object' && s.ua_data !== null ? (s.ua_data as Record<string, unknown>) : undefined;
  const visitorKey = text(s.visitor_key, 32);
  return {
    userAgent: text(s.user_agent, 1024),
    uaData: ua
      ? {
          brands: strings(ua.brands, 10, 128),
          mobile: ua.mobile === true,
          platform: text(ua.platform, 64),
          architecture: text(ua.architecture, 32),
          bitness: text(ua.bitness, 8),
        }
      : null,
    platform: text(s.platform, 64),
    vendor: text(s.vendor, 64),
    languages: strings(s.languages, 20, 35),
    language: text(s.language, 35),
    timezone: text(s.timezone, 64),
    timezoneOffset: number(s.timezone_offset, -1440, 1440) ?? null,
    screen: Array.isArray(s.screen) ? s.screen.slice(0, 10).map((item) => number(item, 0, 100_000) ?? 0) : [],
    hardwareConcurrency: number(s.hardware_concurrency, 0, 1024) ?? 0,
    deviceMemory: number(s.device_memory, 0, 1024) ?? 0,
    maxTouchPoints: number(s.max_touch_points, 0, 256) ?? 0,
    canvas: hash(s.canvas),
    webglVendor: text(s.webgl_vendor, 256),
    webglRenderer: text(s.webgl_renderer, 256),
    webgl: hash(s.webgl),
    audio: hash(s.audio),
    fonts: strings(s.fonts, 64, 64),
    webdriver: s.webdriver === true,
    traces: strings(s.traces, 20, 64),
    plugins: number(s.plugins, 0, 1000) ?? 0,
    chrome: s.chrome === true,
    notifications: text(s.notifications, 32),
    visitorKey: /^[0-9a-f]{32}$/.test(visitorKey) ? visitorKey : undefined,
  };
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

function hash(value: unknown): string {
  return typeof value === 'string' && /^[0-9a-f]{1,64}$/.test(value) ? value : '';
}

function strings(value: unknown, maxItems: number, maxLength: number): string[] {
  return Array.isArray(value)
    ? value
        .filter((item): item is string => typeof item === 'string')
        .slice(0, maxItems)
        .map((item) => item.slice(0, maxLength))
    : [];
}

function number(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}
