/**
 * Every error this gateway can answer with, in one place: Stytch's `error_type`, its HTTP status and the
 * `error_message` that tells the caller what to fix. Texts copy Stytch's where Stytch's are known.
 */
export const STYTCH_ERRORS = {
  bad_request: [400, 'The submitted request is invalid.'],
  invalid_email: [400, 'Email format is invalid.'],
  invalid_user_id: [400, 'user_id format is invalid.'],
  invalid_expiration: [
    400,
    'expiration_minutes is invalid: it must be a whole number of minutes between 5 and 10080 (7 days).',
  ],
  invalid_session_duration_minutes: [
    400,
    'session_duration_minutes is invalid, should be between 5 to 527040 minutes.',
  ],
  invalid_locale: [400, 'locale is invalid: use one of "en", "es", "fr" or "pt-br".'],
  invalid_token: [400, 'token format is invalid: pass the token parameter of the magic link URL unchanged.'],
  invalid_pkce_code_verifier: [400, 'code_verifier format is invalid: it must be a non-empty string.'],
  invalid_pkce_code_challenge: [
    400,
    'code_challenge format is invalid: it must be the base64url-encoded SHA-256 hash of the code_verifier, without padding.',
  ],
  pkce_mismatch: [400, 'The submitted code_verifier does not match the code_challenge sent at the start of the flow.'],
  pkce_expected_code_verifier: [
    400,
    'This flow was started using a code_challenge but the authentication call is missing the corresponding code_verifier.',
  ],
  pkce_did_not_expect_code_verifier: [
    400,
    'A code_verifier was submitted, but this flow was not started with a code_challenge. Omit code_verifier.',
  ],
  duplicate_email: [400, 'A user with the specified email already exists for this project.'],
  duplicate_user_external_id: [
    400,
    'A user with the specified external_id already exists for this project. External IDs must be unique.',
  ],
  live_id_used_in_test_environment: [
    400,
    'A live ID was used in the test environment. Use IDs created by this project in the test environment.',
  ],
  test_id_used_in_live_environment: [
    400,
    'A test ID was used in the live environment. Use IDs created by this project in the live environment.',
  ],
  invalid_session_id: [400, 'session_id format is invalid: pass the session_id of a session, e.g. session-test-….'],
  invalid_session_token: [400, 'session_token format is invalid: pass the session_token returned by authenticate.'],
  unable_to_parse_session_jwt: [
    400,
    'session_jwt could not be verified: pass a session_jwt issued by this project and signed by a key in its JWKS.',
  ],
  no_session_arguments: [400, 'Pass a session_token or a session_jwt to identify the session.'],
  too_many_session_arguments: [400, 'Pass either a session_token or a session_jwt, not both.'],
  no_session_revoke_arguments: [400, 'Pass one of session_id, session_token or session_jwt to revoke a session.'],
  too_many_session_revoke_arguments: [400, 'Pass only one of session_id, session_token or session_jwt.'],
  custom_claims_too_large: [
    400,
    'session_custom_claims are too large: the session custom claims must be at most 4 KB as JSON.',
  ],
  stytch_claims_in_custom_claims: [
    400,
    'session_custom_claims must not set claims under https://stytch.com/: that namespace is reserved for Stytch.',
  ],
  user_id_mismatch: [
    400,
    'The session belongs to a different user than the magic link. Omit session_token and session_jwt to start a new session for this user.',
  ],
  no_match_for_provided_magic_link_url: [
    400,
    'The magic_link_url in the request did not match any redirect URLs set for this project. Register it in the redirectUrls option for its type (redirectUrls.login, .signup or .invite; exact match) or omit it to use the default.',
  ],
  no_default_login_redirect_url_set: [
    400,
    'No default login redirect URL is set: pass login_magic_link_url, or register one (the first of the redirectUrls.login option is the default).',
  ],
  no_default_signup_redirect_url_set: [
    400,
    'No default sign-up redirect URL is set: pass signup_magic_link_url, or register one (the first of the redirectUrls.signup option is the default).',
  ],
  no_default_invite_redirect_url_set: [
    400,
    'No default invite redirect URL is set: pass invite_magic_link_url, or register one (the first of the redirectUrls.invite option is the default).',
  ],
  invalid_login_magic_link_url: [
    400,
    'login_magic_link_url format is invalid: it must be an absolute http(s) URL such as https://example.com/authenticate.',
  ],
  invalid_signup_magic_link_url: [
    400,
    'signup_magic_link_url format is invalid: it must be an absolute http(s) URL such as https://example.com/authenticate.',
  ],
  invalid_invite_magic_link_url: [
    400,
    'invite_magic_link_url format is invalid: it must be an absolute http(s) URL such as https://example.com/authenticate.',
  ],
  metadata_invalid_format: [
    400,
    'Metadata is invalid: trusted_metadata and untrusted_metadata must be JSON objects (not arrays, strings or numbers).',
  ],
  metadata_too_many_keys: [
    400,
    'Metadata has too many keys: trusted_metadata and untrusted_metadata may each hold at most 20 top-level keys.',
  ],
  metadata_too_large: [
    400,
    'Metadata is too large: trusted_metadata and untrusted_metadata may each be at most 4 KB as JSON.',
  ],
  invalid_email_id: [400, 'email_id format is invalid: pass the email_id of a user email, e.g. email-test-….'],
  cannot_delete_last_primary_factor: [
    400,
    "This is the user's only email, and a user must keep one to log in: add another email first, exchange it with exchange_primary_factor, or delete the user.",
  ],
  invalid_exchange_primary_factor_fields: [
    400,
    "Pass email_address, the address to exchange the user's email for; phone_number is not supported by this gateway.",
  ],
  invalid_exchange_primary_factor_user: [
    400,
    'exchange_primary_factor only works for a user with exactly one email: delete the others first.',
  ],
  user_already_active: [
    400,
    'This email belongs to an active user, who cannot be invited (or have an invite revoked): send a login magic link instead.',
  ],
  invalid_search_query: [
    400,
    'query is invalid: pass { operator: "AND" or "OR", operands: [{ filter_name, filter_value }] } (see docs/api.md).',
  ],
  unsupported_search_filter: [
    400,
    'This filter_name is not supported by this gateway, which has no phone numbers, OAuth, passwords, WebAuthn, TOTP, crypto wallets, biometrics or name search.',
  ],
  too_many_search_filters: [400, 'query.operands holds too many operands: pass at most 20.'],
  invalid_limit: [400, 'limit must be a whole number from 1 to 1000.'],
  invalid_cursor: [
    400,
    'cursor is invalid: pass the results_metadata.next_cursor of the previous page unchanged, with the same query.',
  ],
  invalid_email_delivery_id: [
    400,
    'delivery_id format is invalid: pass a delivery_id such as email-delivery-test-…, as GET /v1/email_deliveries lists them.',
  ],
  unauthorized_credentials: [401, 'Unauthorized credentials.'],
  unable_to_auth_magic_link: [
    401,
    'The magic link could not be authenticated because it was either already used or expired. Send another magic link to this user.',
  ],
  attribute_mismatch: [401, "Unable to authenticate because attributes on request don't match stored attributes."],
  origin_not_authorized: [
    403,
    "This page's origin may not call the frontend SDK API: add it to the authorized origins (MAGIC_LINKS_SDK_AUTHORIZED_ORIGINS, or the sdk.authorizedOrigins option).",
  ],
  user_not_found: [404, 'User could not be found.'],
  email_not_found: [
    404,
    'Email could not be found: no user in this project has this email. Use login_or_create to create the user, or pass user_id to add the email to a user.',
  ],
  email_template_not_found: [
    404,
    'Email Template could not be found: register it by id in the email.templates option or omit the template id.',
  ],
  session_not_found: [
    404,
    'Session could not be found: it does not exist, has expired or was revoked. Authenticate the user again.',
  ],
  project_not_found: [404, 'Project could not be found: use the project_id this gateway is configured with.'],
  magic_link_not_found: [404, 'The magic link could not be authenticated, try sending another magic link to the user.'],
  telemetry_id_not_found: [
    404,
    'The telemetry_id was not found or has expired: get a new one from GetTelemetryID() in the browser. Treat this as a BLOCK.',
  ],
  invalid_telemetry: [
    400,
    'The telemetry could not be read: send it from the telemetry script (GET /v1/fingerprint/telemetry.js), unchanged.',
  ],
  telemetry_id_required: [
    400,
    'This project requires an ALLOW device verdict to authenticate: pass the telemetry_id from GetTelemetryID().',
  ],
  device_verdict_not_allow: [
    403,
    'The device fingerprint verdict for this telemetry_id is not ALLOW, and this project requires ALLOW to authenticate.',
  ],
  email_delivery_not_found: [
    404,
    'Email delivery could not be found: it does not exist or was deleted with its user or by the retention cleanup.',
  ],
  route_not_found: [
    404,
    'The requested route does not exist. Check the method and path against the API reference at /docs.',
  ],
  method_not_allowed: [405, 'This method is not allowed on this route. Check the API reference at /docs.'],
  request_timeout: [
    408,
    'The request did not arrive in time: send its headers and body without pausing, then read the answer.',
  ],
  email_delivery_not_retryable: [
    409,
    'Only a failed delivery can be retried: this one is not failed. Read its status with GET /v1/email_deliveries/{delivery_id}.',
  ],
  email_delivery_link_unusable: [
    409,
    'This delivery cannot be retried: its magic link expired or was used meanwhile. Send the user a new magic link instead.',
  ],
  email_delivery_not_cancellable: [
    409,
    'Only a queued delivery can be cancelled: this one is being sent, was sent, failed or was cancelled already.',
  ],
  request_too_large: [413, 'The request body is too large. Send a JSON body of at most 64 KB.'],
  unsupported_media_type: [415, 'The request body must be JSON: send it with Content-Type: application/json.'],
  too_many_requests: [429, 'Too many requests have been made.'],
  request_headers_too_large: [
    431,
    'The request headers are too large: send at most 16 KB of headers (no oversized cookies or custom headers).',
  ],
  internal_server_error: [
    500,
    'Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.',
  ],
  server_unavailable: [
    503,
    'Oops, something seems to have gone wrong. Please retry the request. If this issue persists, please reach out to support.',
  ],
} as const satisfies Record<string, readonly [number, string]>;

export type StytchErrorType = keyof typeof STYTCH_ERRORS;

export function errorUrl(status: number, errorType: string): string {
  return `https://stytch.com/docs/api/errors/${status}#${errorType}`;
}

export interface StytchErrorBody {
  status_code: number;
  request_id: string;
  error_type: StytchErrorType;
  error_message: string;
  error_url: string;
}

/** Stytch's error envelope, and nothing else at the top level: the official client reads it as a `StytchError`. */
export function stytchErrorBody(
  errorType: StytchErrorType,
  requestId: string,
  errorMessage: string = STYTCH_ERRORS[errorType][1],
): StytchErrorBody {
  const status = STYTCH_ERRORS[errorType][0];
  return {
    status_code: status,
    request_id: requestId,
    error_type: errorType,
    error_message: errorMessage,
    error_url: errorUrl(status, errorType),
  };
}
