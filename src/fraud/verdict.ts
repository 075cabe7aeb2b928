import { ACTION_SEVERITY, VERDICT_REASON_DEFAULTS, type VerdictAction, type VerdictReason } from './verdict-reasons.js';
import type { RuleType } from './fraud-rule-types.js';

/** Stytch's `verdict` object, as a lookup returns it. */
export interface Verdict {
  action: VerdictAction;
  reasons: string[];
  detected_device_type: string;
  is_authentic_device: boolean;
  verdict_reason_overrides: { verdict_reason: string; override_action: VerdictAction }[];
  rule_match_type?: RuleType;
  rule_match_identifier?: string;
}

/** Flags that mean the browser lies about itself, which makes the device not authentic. */
const DECEPTIONS: ReadonlySet<string> = new Set(['HEADLESS_BROWSER_AUTOMATION', 'USER_AGENT_DECEPTION']);

/**
 * The verdict of a set of reasons: each reason's action is its override, else its default; the strictest wins
 * (BLOCK > CHALLENGE > ALLOW), ALLOW when there is none. A matching rule decides outright and adds `RULE_MATCH`.
 */
export function decideVerdict(
  reasons: VerdictReason[],
  overrides: ReadonlyMap<string, VerdictAction>,
  deviceType: string,
  rule?: { ruleType: RuleType; identifier: string; action: VerdictAction },
): Verdict {
  let action: VerdictAction = 'ALLOW';
  const applied: Verdict['verdict_reason_overrides'] = [];
  for (const reason of reasons) {
    const override = overrides.get(reason);
    if (override !== undefined) applied.push({ verdict_reason: reason, override_action: override });
    const reasonAction = override ?? VERDICT_REASON_DEFAULTS[reason];
    if (ACTION_SEVERITY[reasonAction] > ACTION_SEVERITY[action]) action = reasonAction;
  }
  const verdict: Verdict = {
    action: rule ? rule.action : action,
    reasons: rule ? [...reasons, 'RULE_MATCH'] : [...reasons],
    detected_device_type: deviceType,
    is_authentic_device: !reasons.some((reason) => DECEPTIONS.has(reason)),
    verdict_reason_overrides: applied,
  };
  if (rule) {
    verdict.rule_match_type = rule.ruleType;
    verdict.rule_match_identifier = rule.identifier;
  }
  return verdict;
}
