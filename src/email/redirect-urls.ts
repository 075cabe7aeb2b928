import { StytchException } from '../http/stytch.exception.js';
import type { RedirectUrlType } from '../options/magic-links.options.js';

/**
 * The redirect URL a link of `type` will lead to: the requested one when it is registered for that type (exact
 * match, as Stytch compares), else the type's default, the first registered. Nothing comes from the request's Host.
 */
export function chooseRedirectUrl(
  registered: Record<RedirectUrlType, string[]>,
  type: RedirectUrlType,
  requested: string | undefined,
): string {
  if (requested === undefined) {
    const fallback = registered[type][0];
    if (fallback === undefined) throw new StytchException(`no_default_${type}_redirect_url_set`);
    return fallback;
  }
  if (!isAbsoluteHttpUrl(requested)) throw new StytchException(`invalid_${type}_magic_link_url`);
  if (!registered[type].includes(requested)) throw new StytchException('no_match_for_provided_magic_link_url');
  return requested;
}

function isAbsoluteHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.host !== '';
  } catch {
    return false;
  }
}
