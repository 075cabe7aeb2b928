import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';

/**
 * The link put in an email: the gateway's redirect-routing page, never the app's URL, so that a mail scanner
 * opening it cannot reach the app and burn the token (DESIGN §2, "Redirect routing"). Built only from the
 * configured public URL, never from a request's Host header.
 */
export function emailedMagicLinkUrl(
  options: Pick<ResolvedMagicLinksOptions, 'publicUrl' | 'publicToken'>,
  token: string,
): string {
  const query = new URLSearchParams({
    public_token: options.publicToken,
    stytch_token_type: 'magic_links',
    token,
  });
  return `${publicUrlForEmail(options)}/v1/magic_links/redirect?${query.toString()}`;
}

/** The gateway's public URL, which every emailed link starts with; an error that says how to set it when missing. */
export function publicUrlForEmail(options: Pick<ResolvedMagicLinksOptions, 'publicUrl'>): string {
  if (!options.publicUrl) {
    throw new Error(
      'MagicLinksModule options: publicUrl is required to email magic links: set it to the base URL browsers reach ' +
        'these routes at, such as https://auth.example.com.',
    );
  }
  return options.publicUrl;
}
