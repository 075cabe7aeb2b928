import { matchRule, normaliseCidr, type RuleCandidate, type RuleSubject } from './rule-matching.js';
import { decideVerdict } from './verdict.js';

const SUBJECT: RuleSubject = {
  visitorId: 'visitor-1',
  browserId: 'browser-1',
  visitorFingerprint: 'vf',
  browserFingerprint: 'bf',
  hardwareFingerprint: 'hf',
  networkFingerprint: 'nf',
  ipAddress: '203.0.113.7',
  countryCode: null,
};

describe('the verdict', () => {
  it('is ALLOW without reasons, else the strictest action of the reasons, overrides first', () => {
    expect(decideVerdict([], new Map(), 'MAC_DESKTOP')).toEqual({
      action: 'ALLOW',
      reasons: [],
      detected_device_type: 'MAC_DESKTOP',
      is_authentic_device: true,
      verdict_reason_overrides: [],
    });
    expect(decideVerdict(['VIRTUAL_MACHINE', 'USER_AGENT_DECEPTION'], new Map(), 'UNKNOWN')).toMatchObject({
      action: 'BLOCK',
      is_authentic_device: false,
    });
    expect(
      decideVerdict(
        ['VIRTUAL_MACHINE', 'USER_AGENT_DECEPTION'],
        new Map([['USER_AGENT_DECEPTION', 'ALLOW']]),
        'UNKNOWN',
      ),
    ).toMatchObject({
      action: 'CHALLENGE',
      verdict_reason_overrides: [{ verdict_reason: 'USER_AGENT_DECEPTION', override_action: 'ALLOW' }],
    });
  });

  it("takes a matching rule's action outright, with RULE_MATCH and what matched", () => {
    expect(
      decideVerdict(['HEADLESS_BROWSER_AUTOMATION'], new Map(), 'UNKNOWN', {
        ruleType: 'VISITOR_ID',
        identifier: 'visitor-1',
        action: 'ALLOW',
      }),
    ).toMatchObject({
      action: 'ALLOW',
      reasons: ['HEADLESS_BROWSER_AUTOMATION', 'RULE_MATCH'],
      rule_match_type: 'VISITOR_ID',
      rule_match_identifier: 'visitor-1',
    });
  });
});

describe('rule matching', () => {
  const rule = (ruleType: RuleCandidate['ruleType'], identifier: string, action: RuleCandidate['action']) => ({
    ruleType,
    identifier,
    action,
  });

  it("follows Stytch's precedence: visitor id before fingerprints before networks", () => {
    const rules = [
      rule('HARDWARE_FINGERPRINT', 'hf', 'BLOCK'),
      rule('VISITOR_ID', 'visitor-1', 'ALLOW'),
      rule('CIDR_BLOCK', '203.0.113.0/24', 'BLOCK'),
    ];
    expect(matchRule(rules, SUBJECT)?.action).toBe('ALLOW');
    expect(matchRule(rules.slice(0, 1), { ...SUBJECT, hardwareFingerprint: 'other' })).toBeUndefined();
    expect(matchRule([rule('COUNTRY_CODE', 'FR', 'BLOCK')], SUBJECT)).toBeUndefined();
    expect(matchRule([rule('COUNTRY_CODE', 'FR', 'BLOCK')], { ...SUBJECT, countryCode: 'FR' })?.action).toBe('BLOCK');
  });

  it('prefers the smallest CIDR block, then the strictest action among blocks of one size', () => {
    const rules = [
      rule('CIDR_BLOCK', '203.0.0.0/16', 'BLOCK'),
      rule('CIDR_BLOCK', '203.0.113.0/24', 'ALLOW'),
      rule('CIDR_BLOCK', '203.0.113.0/24', 'CHALLENGE'),
    ];
    expect(matchRule(rules, SUBJECT)?.action).toBe('CHALLENGE');
    expect(matchRule(rules, { ...SUBJECT, ipAddress: '::ffff:203.0.9.1' })?.action).toBe('BLOCK');
    expect(matchRule(rules, { ...SUBJECT, ipAddress: '2001:db8::1' })).toBeUndefined();
  });

  it('takes an address or a block within the allowed prefixes', () => {
    expect(normaliseCidr('203.0.113.7')).toEqual({ cidr: '203.0.113.7/32' });
    expect(normaliseCidr('2001:DB8::/48')).toEqual({ cidr: '2001:db8::/48' });
    expect(normaliseCidr('10.0.0.0/8')).toHaveProperty('problem');
    expect(normaliseCidr('example.com')).toHaveProperty('problem');
  });
});
