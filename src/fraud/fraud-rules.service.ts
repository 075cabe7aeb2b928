import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { FixedStatement } from '../database/fixed-statement.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { RULE_FIELDS, RULE_TYPES, type RuleType } from './fraud-rule-types.js';
import { FraudRule } from './fraud-rule.entity.js';
import { matchRule, type RuleCandidate, type RuleSubject } from './rule-matching.js';
import type { VerdictAction } from './verdict-reasons.js';

/** A rule to set, already validated: exactly one identifier, normalised. */
export interface RuleChange {
  ruleType: RuleType;
  identifier: string;
  /** `NONE` clears the rule. */
  action: VerdictAction | 'NONE';
  description: string | undefined;
  expiresInMinutes: number | undefined;
}

/** Stytch's `Rule` object. */
export type RuleResponse = {
  rule_type: RuleType;
  action: VerdictAction;
  created_at: string;
  description?: string;
  expires_at?: string;
  last_updated_at?: string;
} & Partial<Record<(typeof RULE_FIELDS)[RuleType], string>>;

/** Rules by identifier (`rules.set`, `rules.list`) and the one that decides a lookup. */
@Injectable()
export class FraudRulesService {
  private readonly logger = new Logger('FraudRules');

  /** The unexpired rules for a lookup's identifiers (one per rule type), and every CIDR rule. */
  private readonly candidates: FixedStatement;

  constructor(
    @InjectRepository(FraudRule) private readonly rules: Repository<FraudRule>,
    @InjectDataSource() dataSource: DataSource,
  ) {
    const byIdentifier = RULE_TYPES.filter((type) => type !== 'CIDR_BLOCK')
      .map((type, index) => `(r.rule_type = '${type}' AND r.identifier = $${index + 1})`)
      .join(' OR ');
    this.candidates = new FixedStatement(
      dataSource,
      `SELECT r.rule_type, r.identifier, r.action FROM fraud_rules r WHERE (${byIdentifier} OR r.rule_type = 'CIDR_BLOCK') ` +
        `AND (r.expires_at IS NULL OR r.expires_at > $${RULE_TYPES.length})`,
    );
  }

  /** Sets (or, with `NONE`, clears) the rule for one identifier; a new rule for it replaces the old one. */
  async set(change: RuleChange): Promise<FraudRule | undefined> {
    const key = { ruleType: change.ruleType, identifier: change.identifier };
    if (change.action === 'NONE') {
      await this.rules.delete(key);
      this.logger.log({ rule_type: change.ruleType, action: 'NONE' }, 'Fraud rule cleared');
      return undefined;
    }
    const now = new Date();
    const fields = {
      action: change.action,
      description: change.description ?? null,
      expiresAt:
        change.expiresInMinutes === undefined ? null : new Date(now.getTime() + change.expiresInMinutes * 60_000),
    };
    const existing = await this.rules.findOne({ where: key });
    let rule: FraudRule;
    if (existing && (existing.expiresAt === null || existing.expiresAt > now)) {
      await this.rules.update({ id: existing.id }, { ...fields, lastUpdatedAt: now });
      rule = { ...existing, ...fields, lastUpdatedAt: now };
    } else {
      // An expired rule for the identifier is gone as far as anyone can tell: a new one starts afresh.
      if (existing) await this.rules.delete({ id: existing.id });
      rule = { id: `rule-${randomUUID()}`, ...key, ...fields, createdAt: now, lastUpdatedAt: null };
      try {
        await this.rules.insert(rule);
      } catch (error) {
        // Another call set the same identifier meanwhile: this one updates it, as if it came second.
        if (!isUniqueViolation(error)) throw error;
        await this.rules.update(key, { ...fields, lastUpdatedAt: now });
        rule = await this.rules.findOneOrFail({ where: key });
      }
    }
    this.logger.log({ rule_type: change.ruleType, action: change.action }, 'Fraud rule set');
    return rule;
  }

  /** Unexpired rules, oldest first, a page at a time: `cursor` is the last rule id of the previous page. */
  async list(limit: number, cursor: string | undefined): Promise<{ rules: FraudRule[]; nextCursor: string | null }> {
    const now = new Date();
    const query = this.rules
      .createQueryBuilder('rule')
      .where('(rule.expires_at IS NULL OR rule.expires_at > :now)', { now })
      .orderBy('rule.created_at', 'ASC')
      .addOrderBy('rule.id', 'ASC')
      .take(limit + 1);
    if (cursor !== undefined) {
      const after = await this.rules.findOne({ where: { id: cursor } });
      if (after) {
        query.andWhere('(rule.created_at > :createdAt OR (rule.created_at = :createdAt AND rule.id > :id))', {
          createdAt: after.createdAt,
          id: after.id,
        });
      }
    }
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    return { rules: page, nextCursor: rows.length > limit ? page[page.length - 1].id : null };
  }

  /** The unexpired rule that decides for this telemetry, if any. */
  async matching(subject: RuleSubject, now: Date): Promise<RuleCandidate | undefined> {
    const identifiers = [
      subject.visitorId,
      subject.browserId,
      subject.visitorFingerprint,
      subject.browserFingerprint,
      subject.hardwareFingerprint,
      subject.networkFingerprint,
      subject.countryCode,
    ];
    // An absent identifier is bound as '', which no rule has.
    const { records } = await this.candidates.run([...identifiers.map((identifier) => identifier ?? ''), now]);
    const rules = (records as { rule_type: RuleType; identifier: string; action: VerdictAction }[]).map((record) => ({
      ruleType: record.rule_type,
      identifier: record.identifier,
      action: record.action,
    }));
    return matchRule(rules, subject);
  }
}

/** A stored rule in Stytch's shape. */
export function presentRule(rule: FraudRule): RuleResponse {
  return {
    rule_type: rule.ruleType,
    action: rule.action,
    [RULE_FIELDS[rule.ruleType]]: rule.identifier,
    created_at: rule.createdAt.toISOString(),
    ...(rule.description !== null && { description: rule.description }),
    ...(rule.expiresAt !== null && { expires_at: rule.expiresAt.toISOString() }),
    ...(rule.lastUpdatedAt !== null && { last_updated_at: rule.lastUpdatedAt.toISOString() }),
  };
}
