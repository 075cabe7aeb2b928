/**
 * Stytch's rule types in the order they take precedence: the first type with a matching rule decides. `ASN` is
 * Stytch's too, but this gateway has no ASN data, so `rules.set` refuses it rather than store a rule that never
 * matches.
 */
export const RULE_TYPES = [
  'VISITOR_ID',
  'BROWSER_ID',
  'VISITOR_FINGERPRINT',
  'BROWSER_FINGERPRINT',
  'HARDWARE_FINGERPRINT',
  'NETWORK_FINGERPRINT',
  'CIDR_BLOCK',
  'COUNTRY_CODE',
] as const;

export type RuleType = (typeof RULE_TYPES)[number];

/** The request and response field that names each rule type's identifier. */
export const RULE_FIELDS: Record<RuleType, string> = {
  VISITOR_ID: 'visitor_id',
  BROWSER_ID: 'browser_id',
  VISITOR_FINGERPRINT: 'visitor_fingerprint',
  BROWSER_FINGERPRINT: 'browser_fingerprint',
  HARDWARE_FINGERPRINT: 'hardware_fingerprint',
  NETWORK_FINGERPRINT: 'network_fingerprint',
  CIDR_BLOCK: 'cidr_block',
  COUNTRY_CODE: 'country_code',
};
