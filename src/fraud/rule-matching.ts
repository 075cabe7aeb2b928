import { BlockList, isIP, SocketAddress } from 'node:net';
import { RULE_TYPES, type RuleType } from './fraud-rule-types.js';
import { ACTION_SEVERITY, type VerdictAction } from './verdict-reasons.js';

export interface RuleCandidate {
  ruleType: RuleType;
  identifier: string;
  action: VerdictAction;
}

/** What a telemetry record offers the rules: its ids and fingerprints, its address and, when known, its country. */
export interface RuleSubject {
  visitorId: string | null;
  browserId: string | null;
  visitorFingerprint: string;
  browserFingerprint: string;
  hardwareFingerprint: string;
  networkFingerprint: string;
  ipAddress: string;
  countryCode: string | null;
}

/**
 * The rule that decides, as Stytch orders them: by rule type (visitor id first, country last); among CIDR blocks
 * that hold the address, the smallest block, and among blocks of one size the strictest action.
 */
export function matchRule<T extends RuleCandidate>(rules: T[], subject: RuleSubject): T | undefined {
  const identifiers: Record<RuleType, string | null> = {
    VISITOR_ID: subject.visitorId,
    BROWSER_ID: subject.browserId,
    VISITOR_FINGERPRINT: subject.visitorFingerprint,
    BROWSER_FINGERPRINT: subject.browserFingerprint,
    HARDWARE_FINGERPRINT: subject.hardwareFingerprint,
    NETWORK_FINGERPRINT: subject.networkFingerprint,
    CIDR_BLOCK: null,
    COUNTRY_CODE: subject.countryCode,
  };
  for (const type of RULE_TYPES) {
    const ofType = rules.filter((rule) => rule.ruleType === type);
    if (type === 'CIDR_BLOCK') {
      if (ofType.length === 0) continue;
      const address = socketAddressOf(subject.ipAddress);
      const holding = ofType
        .filter((rule) => address !== undefined && cidrHolds(rule.identifier, address))
        .sort(
          (a, b) =>
            prefixOf(b.identifier) - prefixOf(a.identifier) || ACTION_SEVERITY[b.action] - ACTION_SEVERITY[a.action],
        );
      if (holding[0]) return holding[0];
      continue;
    }
    const identifier = identifiers[type];
    const match = identifier === null ? undefined : ofType.find((rule) => rule.identifier === identifier);
    if (match) return match;
  }
  return undefined;
}

/**
 * A CIDR block or a single address as `rules.set` takes it, written `address/prefix`, or
 * a message saying what is wrong. Stytch's bounds: an IPv4 prefix from 16 to 32; IPv6 blocks from /32 to /128.
 */
export function normaliseCidr(value: string): { cidr: string } | { problem: string } {
  const [address, prefixText, extra] = value.trim().split('/');
  const version = isIP(address);
  const max = version === 4 ? 32 : 128;
  const min = version === 4 ? 16 : 32;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (version === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < min || prefix > max) {
    return {
      problem:
        'cidr_block must be an IP address or a CIDR block such as 203.0.113.0/24, with an IPv4 prefix from 16 to 32 ' +
        'or an IPv6 prefix from 32 to 128.',
    };
  }
  return { cidr: `${address.toLowerCase()}/${prefix}` };
}

function prefixOf(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

/** Parsed CIDR blocks by their text: rules are few and read on every lookup. */
const blocks = new Map<string, { list: BlockList; type: 'ipv4' | 'ipv6' }>();
const MAX_CACHED_BLOCKS = 10_000;

/** The address parsed once per lookup: `BlockList.check` given a string parses it again for every block. */
function socketAddressOf(ipAddress: string): SocketAddress | undefined {
  const address = ipAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const version = isIP(address);
  return version === 0 ? undefined : new SocketAddress({ address, family: version === 4 ? 'ipv4' : 'ipv6' });
}

function cidrHolds(cidr: string, address: SocketAddress): boolean {
  let block = blocks.get(cidr);
  if (!block) {
    const [network, prefix] = cidr.split('/');
    const version = isIP(network);
    if (version === 0) return false;
    block = { list: new BlockList(), type: version === 4 ? 'ipv4' : 'ipv6' };
    block.list.addSubnet(network, Number(prefix), block.type);
    if (blocks.size >= MAX_CACHED_BLOCKS) blocks.clear();
    blocks.set(cidr, block);
  }
  return address.family === block.type && block.list.check(address);
}
