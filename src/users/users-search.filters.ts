import { normalizeEmail } from './email-address.js';
import { StytchException } from '../http/stytch.exception.js';

/** One operand of a search, checked and normalized. Email values are lower-cased, as `email_normalized` stores them. */
export type SearchFilter =
  | { kind: 'user_id' | 'external_id'; values: string[] }
  | { kind: 'email_id' | 'email_address' | 'email_domain'; values: string[] }
  | { kind: 'email_address_fuzzy'; prefix: string }
  | { kind: 'email_verified'; verified: boolean }
  | { kind: 'status'; status: 'active' | 'pending' }
  | { kind: 'created_at'; after?: Date; before?: Date };

export interface SearchQuery {
  operator: 'AND' | 'OR';
  filters: SearchFilter[];
}

export const MAX_SEARCH_OPERANDS = 20;
export const MAX_FILTER_VALUES = 1000;

/** The filters this gateway evaluates, in the order docs/api.md lists them. */
export const SUPPORTED_FILTERS = [
  'user_id',
  'email_id',
  'email_address',
  'email_address_fuzzy',
  'email_domain',
  'email_verified',
  'status',
  'created_at_greater_than',
  'created_at_less_than',
  'created_at_between',
  'external_id',
] as const;

/**
 * Stytch's filters on factors this gateway does not have, and the name search it does not index. Refused rather
 * than answered as "no match", so that a query written for another product fails loudly instead of silently
 * returning nothing (or everything).
 */
export const UNSUPPORTED_FILTERS = [
  'phone_number',
  'phone_number_fuzzy',
  'phone_id',
  'phone_verified',
  'oauth_provider',
  'webauthn_registration_id',
  'webauthn_registration_verified',
  'crypto_wallet_id',
  'crypto_wallet_address',
  'crypto_wallet_verified',
  'totp_id',
  'totp_verified',
  'password_exists',
  'biometric_registration_id',
  'biometric_registration_verified',
  'full_name_fuzzy',
] as const;

// RFC 3339 date-time, as Stytch's search filters take them (2021-12-29T12:33:09Z).
const RFC_3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)$/i;

function invalid(message: string): never {
  throw new StytchException('invalid_search_query', message);
}

/** Parses the `query` of a search request (already shaped by its DTO) into filters, or throws Stytch's error. */
export function parseSearchQuery(query: { operator: string; operands?: unknown[] } | undefined): SearchQuery {
  if (!query) return { operator: 'AND', filters: [] };
  if (query.operator !== 'AND' && query.operator !== 'OR') {
    invalid('query.operator is invalid: use "AND" (every operand must match) or "OR" (any operand may match).');
  }
  const operands = query.operands ?? [];
  if (operands.length > MAX_SEARCH_OPERANDS) {
    throw new StytchException(
      'too_many_search_filters',
      `query.operands holds ${operands.length} operands: at most ${MAX_SEARCH_OPERANDS} are allowed. ` +
        'Split the search, or list several values in one operand.',
    );
  }
  return { operator: query.operator, filters: operands.map((operand, index) => parseOperand(operand, index)) };
}

function parseOperand(operand: unknown, index: number): SearchFilter {
  const at = `query.operands[${index}]`;
  if (typeof operand !== 'object' || operand === null || Array.isArray(operand)) {
    invalid(`${at} must be an object with filter_name and filter_value.`);
  }
  const { filter_name: name, filter_value: value } = operand as { filter_name?: unknown; filter_value?: unknown };
  if (typeof name !== 'string' || name === '') {
    invalid(`${at}.filter_name must be one of ${SUPPORTED_FILTERS.join(', ')}.`);
  }
  if ((UNSUPPORTED_FILTERS as readonly string[]).includes(name)) {
    throw new StytchException(
      'unsupported_search_filter',
      `${at}.filter_name ${name} is not supported by this gateway, which has no phone numbers, OAuth, passwords, ` +
        `WebAuthn, TOTP, crypto wallets, biometrics or name search. Use one of ${SUPPORTED_FILTERS.join(', ')}.`,
    );
  }
  const where = `${at}.filter_value (${name})`;
  switch (name) {
    case 'user_id':
    case 'email_id':
    case 'external_id':
      return { kind: name, values: stringList(value, where) };
    case 'email_address':
      return { kind: name, values: stringList(value, where).map(normalizeEmail) };
    case 'email_domain':
      // A domain alone or a list of them; "@example.com" is read as "example.com".
      return {
        kind: name,
        values: (typeof value === 'string' ? [text(value, where)] : stringList(value, where)).map((domain) =>
          normalizeEmail(domain.replace(/^@/, '')),
        ),
      };
    case 'email_address_fuzzy':
      return { kind: name, prefix: normalizeEmail(text(value, where)) };
    case 'email_verified':
      if (typeof value !== 'boolean') invalid(`${where} must be true or false.`);
      return { kind: name, verified: value };
    case 'status':
      if (value !== 'active' && value !== 'pending') invalid(`${where} must be "active" or "pending".`);
      return { kind: name, status: value };
    case 'created_at_greater_than':
      return { kind: 'created_at', after: timestamp(value, where) };
    case 'created_at_less_than':
      return { kind: 'created_at', before: timestamp(value, where) };
    case 'created_at_between': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        invalid(`${where} must be an object with greater_than and less_than RFC 3339 timestamps.`);
      }
      const bounds = value as { greater_than?: unknown; less_than?: unknown };
      return {
        kind: 'created_at',
        after: timestamp(bounds.greater_than, `${where}.greater_than`),
        before: timestamp(bounds.less_than, `${where}.less_than`),
      };
    }
    default:
      return invalid(
        `${at}.filter_name ${JSON.stringify(name).slice(0, 80)} is unknown: use one of ${SUPPORTED_FILTERS.join(', ')}.`,
      );
  }
}

function text(value: unknown, where: string): string {
  // Control characters are in no id, address or domain; PostgreSQL cannot even store a NUL.
  if (typeof value !== 'string' || value.length === 0 || value.length > 254 || hasControlCharacter(value)) {
    invalid(`${where} must be a non-empty string of at most 254 characters, without control characters.`);
  }
  return value;
}

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FILTER_VALUES) {
    invalid(`${where} must be an array of 1 to ${MAX_FILTER_VALUES} strings.`);
  }
  return value.map((item) => text(item, `${where} item`));
}

function timestamp(value: unknown, where: string): Date {
  const date = typeof value === 'string' && RFC_3339.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    invalid(`${where} must be an RFC 3339 timestamp in UTC, e.g. 2021-12-29T12:33:09Z.`);
  }
  return date;
}
