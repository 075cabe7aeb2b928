import type { TelemetrySignals } from './telemetry-signals.js';

export type VerdictAction = 'ALLOW' | 'CHALLENGE' | 'BLOCK';
export const VERDICT_ACTIONS: readonly VerdictAction[] = ['ALLOW', 'CHALLENGE', 'BLOCK'];

/** The strictest action wins when several reasons are present, as Stytch orders them. */
export const ACTION_SEVERITY: Record<VerdictAction, number> = { ALLOW: 0, CHALLENGE: 1, BLOCK: 2 };

/**
 * The warning flags a lookup can return, with their default actions; docs/device-fingerprinting.md says how each is
 * detected. The names are Stytch's where Stytch has the same flag. `RULE_MATCH` is not here: a rule sets its own
 * action and cannot be overridden.
 */
export const VERDICT_REASON_DEFAULTS = {
  /** `navigator.webdriver`, automation globals (Playwright, Selenium, PhantomJS…) or a headless User-Agent. */
  HEADLESS_BROWSER_AUTOMATION: 'BLOCK',
  /** The User-Agent disagrees with the browser's own client hints, platform or engine. */
  USER_AGENT_DECEPTION: 'BLOCK',
  /** The GPU is a hypervisor's or an emulator's virtual device, or a software rasteriser of one. */
  VIRTUAL_MACHINE: 'CHALLENGE',
  /** A time zone whose offset is not the clock's, an unknown zone, or languages that disagree with each other. */
  TIMEZONE_LANGUAGE_MISMATCH: 'CHALLENGE',
  /** The same visitor fingerprint was used by more distinct users than `fraud.maxUsersPerDevice`. */
  DEVICE_SHARED_BY_MANY_USERS: 'CHALLENGE',
  /** The same visitor fingerprint asked for more telemetry ids in the window than `fraud.velocity` allows. */
  SMART_RATE_LIMIT_WARNING: 'CHALLENGE',
} as const satisfies Record<string, VerdictAction>;

export type VerdictReason = keyof typeof VERDICT_REASON_DEFAULTS;
export const VERDICT_REASONS = Object.keys(VERDICT_REASON_DEFAULTS) as VerdictReason[];

export function isVerdictReason(value: string): value is VerdictReason {
  return Object.hasOwn(VERDICT_REASON_DEFAULTS, value);
}

/** What the request that carried the telemetry says beside the script's signals. */
export interface TelemetryRequest {
  userAgent: string;
  /** `Sec-CH-UA`, when sent. */
  clientHintBrands: string | undefined;
  acceptLanguage: string | undefined;
}

const HEADLESS = /HeadlessChrome|PhantomJS|Headless/i;
const VIRTUAL_GPU =
  /VMware|VirtualBox|Parallels|Hyper-V|Microsoft Basic Render|QEMU|virgl|virtio|llvmpipe|softpipe|Bochs|Red Hat|Android Emulator|Goldfish|Ranchu/i;

/** The reasons the signals themselves raise; velocity and shared devices need the stored history. */
export function signalReasons(signals: TelemetrySignals, request: TelemetryRequest): VerdictReason[] {
  const reasons: VerdictReason[] = [];
  if (automated(signals, request)) reasons.push('HEADLESS_BROWSER_AUTOMATION');
  if (userAgentDeceives(signals, request)) reasons.push('USER_AGENT_DECEPTION');
  if (VIRTUAL_GPU.test(signals.webglRenderer)) reasons.push('VIRTUAL_MACHINE');
  if (timezoneOrLanguageImpossible(signals, request)) reasons.push('TIMEZONE_LANGUAGE_MISMATCH');
  return reasons;
}

function automated(signals: TelemetrySignals, request: TelemetryRequest): boolean {
  return (
    signals.webdriver ||
    signals.traces.length > 0 ||
    HEADLESS.test(request.userAgent) ||
    HEADLESS.test(signals.userAgent) ||
    (signals.uaData?.brands.some((brand) => HEADLESS.test(brand)) ?? false) ||
    // Headless Chromium denies notifications while the Permissions API still says it would ask.
    signals.notifications === 'denied/prompt'
  );
}

function userAgentDeceives(signals: TelemetrySignals, request: TelemetryRequest): boolean {
  const userAgent = signals.userAgent;
  if (userAgent !== request.userAgent) return true;
  const chromiumMajor = /(?:Chrome|Chromium|CriOS|Edg)\/(\d+)/.exec(userAgent)?.[1];
  const brands = signals.uaData?.brands;
  if (brands !== undefined && brands.length > 0) {
    const versions = brands.map((brand) => brand.split(';')[1]?.split('.')[0]);
    if (chromiumMajor === undefined || !versions.includes(chromiumMajor)) return true;
  }
  if (request.clientHintBrands !== undefined) {
    const versions = [...request.clientHintBrands.matchAll(/v="(\d+)/g)].map((match) => match[1]);
    if (chromiumMajor === undefined || !versions.includes(chromiumMajor)) return true;
  }
  const claimed = operatingSystemOf(userAgent);
  const hinted = signals.uaData?.platform ? operatingSystemOf(signals.uaData.platform) : undefined;
  if (claimed && hinted && claimed !== hinted && !(claimed === 'android' && hinted === 'linux')) return true;
  const platform = signals.platform ? operatingSystemOf(signals.platform) : undefined;
  // Android reports a Linux `navigator.platform`, and iPadOS a Mac one.
  const compatible =
    claimed === platform ||
    (claimed === 'android' && platform === 'linux') ||
    (claimed === 'ios' && platform === 'mac') ||
    (claimed === 'mac' && platform === 'ios');
  if (claimed && platform && !compatible) return true;
  // Firefox and Safari have no `window.chrome` and no User-Agent client hints.
  if (chromiumMajor === undefined && /Firefox\/|Version\/[\d.]+ (Mobile\/\S+ )?Safari\//.test(userAgent)) {
    if (signals.uaData !== null) return true;
  }
  return false;
}

function operatingSystemOf(text: string): string | undefined {
  if (/Android/i.test(text)) return 'android';
  if (/iPhone|iPad|iPod|iOS/i.test(text)) return 'ios';
  if (/Win/i.test(text)) return 'windows';
  if (/Mac/i.test(text)) return 'mac';
  if (/CrOS|Chrome OS/i.test(text)) return 'chromeos';
  if (/Linux|X11/i.test(text)) return 'linux';
  return undefined;
}

function timezoneOrLanguageImpossible(signals: TelemetrySignals, request: TelemetryRequest): boolean {
  if (signals.timezone !== '' && signals.timezoneOffset !== null) {
    const offset = utcOffsetMinutes(signals.timezone, new Date());
    // getTimezoneOffset() counts minutes west of UTC, so it is the negated offset.
    if (offset === undefined || offset !== -signals.timezoneOffset) return true;
  }
  if (signals.languages.length === 0) return true;
  if (signals.language !== '' && primary(signals.language) !== primary(signals.languages[0])) return true;
  const accepted = request.acceptLanguage?.split(',')[0]?.split(';')[0]?.trim();
  if (accepted && accepted !== '*' && !signals.languages.some((language) => primary(language) === primary(accepted))) {
    return true;
  }
  return false;
}

function primary(language: string): string {
  return language.split('-')[0].toLowerCase();
}

/** The zone's offset from UTC at `at`, in minutes east; undefined for a name that is no time zone. */
export function utcOffsetMinutes(timeZone: string, at: Date): number | undefined {
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value;
  } catch {
    return undefined;
  }
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (!match) return undefined;
  if (match[1] === undefined) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/**
 * Stytch's `detected_device_type`: the operating system family and form factor the User-Agent and its client
 * hints agree on, or `UNKNOWN`.
 */
export function detectedDeviceType(signals: TelemetrySignals): string {
  const os = operatingSystemOf(signals.uaData?.platform || signals.userAgent);
  const mobile = signals.uaData?.mobile === true || /Mobile|iPhone|Android/.test(signals.userAgent);
  switch (os) {
    case 'android':
      return mobile ? 'ANDROID' : 'ANDROID_TABLET';
    case 'ios':
      return /iPad/.test(signals.userAgent) ? 'IPAD' : 'IPHONE';
    case 'windows':
      return 'WINDOWS_DESKTOP';
    case 'mac':
      return 'MAC_DESKTOP';
    case 'chromeos':
      return 'CHROMEOS';
    case 'linux':
      return 'LINUX_DESKTOP';
    default:
      return 'UNKNOWN';
  }
}
