import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TransactionsService } from '../database/transactions.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { RULE_FIELDS, type RuleType } from './fraud-rule-types.js';
import { FraudRule } from './fraud-rule.entity.js';
import { FraudPolicyCache } from './fraud-policy.cache.js';
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

/** Rules by identifier (`rules.set`, `rules.list`). */
@Injectable()
export class FraudRulesService {
  private readonly logger = new Logger('FraudRules');

  constructor(
    @InjectRepository(FraudRule) private readonly rules: Repository<FraudRule>,
    private readonly transactions: TransactionsService,
    private readonly policy: FraudPolicyCache,
  ) {}

  /** Sets (or, with `NONE`, clears) the rule for one identifier; a new rule for it replaces the old one. */
  async set(change: RuleChange): Promise<FraudRule | undefined> {
    const attempt = () =>
      this.transactions.run(async (manager) => {
        const saved = await this.write(manager.getRepository(FraudRule), change);
        await this.policy.changed(manager);
        return saved;
      });
    let rule: FraudRule | undefined;
    try {
      rule = await attempt();
    } catch (error) {
      // Another call inserted a rule for the same identifier meanwhile: this one updates it, as if it came second.
      if (!isUniqueViolation(error)) throw error;
      rule = await attempt();
    }
    this.logger.log(
      { rule_type: change.ruleType, action: change.action },
      change.action === 'NONE' ? 'Fraud rule cleared' : 'Fraud rule set',
    );
    return rule;
  }

  private async write(rules: Repository<FraudRule>, change: RuleChange): Promise<FraudRule | undefined> {
    const key = { ruleType: change.ruleType, identifier: change.identifier };
    if (change.action === 'NONE') {
      await rules.delete(key);
      return undefined;
    }
    const now = new Date();
    const fields = {
      action: change.action,
      description: change.description ?? null,
      expiresAt:
        change.expiresInMinutes === undefined ? null : new Date(now.getTime() + change.expiresInMinutes * 60_000),
    };
    const existing = await rules.findOne({ where: key });
    if (existing && (existing.expiresAt === null || existing.expiresAt > now)) {
      await rules.update({ id: existing.id }, { ...fields, lastUpdatedAt: now });
      return { ...existing, ...fields, lastUpdatedAt: now };
    }
    // An expired rule for the identifier is gone as far as anyone can tell: a new one starts afresh.
    if (existing) await rules.delete({ id: existing.id });
    const rule = { id: `rule-${randomUUID()}`, ...key, ...fields, createdAt: now, lastUpdatedAt: null };
    await rules.insert(rule);
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
