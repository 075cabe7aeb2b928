import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import type { TelemetrySignals } from './telemetry-signals.js';

/** Stytch's four fingerprints and two ids, from most to least specific. */
export interface Fingerprints {
  visitor_id: string | undefined;
  browser_id: string | undefined;
  visitor_fingerprint: string;
  browser_fingerprint: string;
  hardware_fingerprint: string;
  network_fingerprint: string;
}

/**
 * Derives the fingerprints from the signals. Each is a keyed hash (HMAC-SHA-256 under a key derived from the
 * project's token hash key, cut to 128 bits), so the same device gets unrelated fingerprints in another deployment
 * and nobody can test a guessed signal value against a fingerprint without the key.
 *
 * - hardware: the operating system, CPU, memory, screen, GPU and audio stack;
 * - browser: the hardware plus the browser family and major version, its canvas rendering, fonts and plugins;
 * - visitor: the browser plus this person's settings: time zone, languages, available screen area;
 * - network: the client's network (the IPv4 /24 or IPv6 /48 it is in): an app-level gateway behind a proxy sees no
 *   TLS handshake to fingerprint;
 * - visitor_id: from the random key the script keeps in localStorage, Stytch's cookie-based id (unique, but gone
 *   when storage is cleared);
 * - browser_id: the visitor_id on this network, as Stytch combines them.
 */
export function fingerprintsOf(signals: TelemetrySignals, ipAddress: string, key: string): Fingerprints {
  const hash = (...parts: unknown[]) =>
    createHmac('sha256', key).update(JSON.stringify(parts)).digest('hex').slice(0, 32);
  const [width, height, availWidth, availHeight, colorDepth, pixelRatio] = signals.screen;
  const hardware = hash(
    'hardware',
    signals.uaData?.platform || signals.platform,
    signals.uaData?.architecture,
    signals.uaData?.bitness,
    signals.hardwareConcurrency,
    signals.deviceMemory,
    signals.maxTouchPoints,
    [width, height, colorDepth, pixelRatio],
    signals.webglVendor,
    signals.webglRenderer,
    signals.webgl,
    signals.audio,
  );
  const browser = hash(
    'browser',
    hardware,
    browserVersion(signals.userAgent),
    signals.vendor,
    signals.canvas,
    signals.fonts,
    signals.plugins,
    signals.chrome,
  );
  const visitor = hash('visitor', browser, signals.timezone, signals.languages, [availWidth, availHeight]);
  const network = hash('network', networkOf(ipAddress));
  const visitorId =
    signals.visitorKey === undefined ? undefined : `visitor-${uuidOf(hash('visitor_id', signals.visitorKey))}`;
  return {
    visitor_id: visitorId,
    browser_id: visitorId === undefined ? undefined : `browser-${uuidOf(hash('browser_id', visitorId, network))}`,
    visitor_fingerprint: visitor,
    browser_fingerprint: browser,
    hardware_fingerprint: hardware,
    network_fingerprint: network,
  };
}

/** The browser family and major version: what stays the same through a browser's minor updates. */
function browserVersion(userAgent: string): string {
  const match =
    /(Edg|OPR|SamsungBrowser|Firefox|FxiOS|CriOS|Chrome|Chromium)\/(\d+)/.exec(userAgent) ??
    /Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?(Safari)/.exec(userAgent);
  return match ? `${match[1]}/${match[2]}` : userAgent;
}

/** The IPv4 /24 or IPv6 /48 of an address (an IPv4-mapped IPv6 address counts as IPv4). */
export function networkOf(ipAddress: string): string {
  const address = ipAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isIP(address) === 4) return address.split('.').slice(0, 3).join('.') + '.0/24';
  if (isIP(address) === 6) {
    const [head, tail = ''] = address.toLowerCase().split('::');
    const groups = head.split(':').filter(Boolean);
    const missing = 8 - groups.length - tail.split(':').filter(Boolean).length;
    const full = [...groups, ...Array<string>(Math.max(missing, 0)).fill('0')];
    return full.slice(0, 3).join(':') + '::/48';
  }
  return address;
}

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
