import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { EntityRows } from '../database/entity-rows.js';
import { FixedStatement } from '../database/fixed-statement.js';
import { FraudRule } from './fraud-rule.entity.js';
import type { RuleCandidate } from './rule-matching.js';
import type { VerdictAction } from './verdict-reasons.js';

/** A CIDR rule as a lookup weighs it. */
export interface CidrRule extends RuleCandidate {
  expiresAt: Date | null;
}

/** What every lookup weighs beside its own record: the CIDR rules, which no index can match, and the overrides. */
export interface FraudPolicy {
  cidrRules: CidrRule[];
  overrides: Map<string, VerdictAction>;
}

/**
 * The fraud policy of the last generation this instance saw. Every change of the rules or overrides moves the
 * generation on in its own transaction (`changed`), and a lookup reads the generation in its own statement, so a
 * change made through any instance counts for the next lookup on every instance, without reading the policy each
 * time.
 */
@Injectable()
export class FraudPolicyCache {
  private cached: { generation: number; policy: Promise<FraudPolicy> } | undefined;
  private readonly ruleRows: EntityRows<FraudRule>;
  private readonly cidrRules: FixedStatement;
  private readonly overrides: FixedStatement;
  private readonly nextGeneration: FixedStatement;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.ruleRows = new EntityRows(dataSource, FraudRule, 'r');
    this.cidrRules = new FixedStatement(
      dataSource,
      `SELECT ${this.ruleRows.select} FROM fraud_rules r WHERE r.rule_type = 'CIDR_BLOCK'`,
    );
    this.overrides = new FixedStatement(
      dataSource,
      'SELECT verdict_reason, override_action FROM fraud_verdict_reason_overrides',
    );
    // An upsert, so that a counter row deleted by hand comes back rather than leaving every cache stale.
    this.nextGeneration = new FixedStatement(
      dataSource,
      'INSERT INTO fraud_policy_generation (id, generation) VALUES (1, 1) ' +
        'ON CONFLICT (id) DO UPDATE SET generation = fraud_policy_generation.generation + 1',
    );
  }

  /**
   * The policy as of `generation`, which the caller read before asking (so that what is loaded is at least that
   * recent). `null`, when the counter row is missing, always loads.
   */
  policy(generation: number | null): Promise<FraudPolicy> {
    if (generation !== null && this.cached?.generation === generation) return this.cached.policy;
    const policy = this.load();
    // A lookup that read an older generation than the cached one must not replace it.
    if (generation !== null && (this.cached === undefined || generation > this.cached.generation)) {
      const entry = { generation, policy };
      this.cached = entry;
      policy.catch(() => {
        if (this.cached === entry) this.cached = undefined;
      });
    }
    return policy;
  }

  /** Moves the generation on: run it in the transaction of every change to the rules or the overrides. */
  async changed(manager: EntityManager): Promise<void> {
    await this.nextGeneration.run([], manager);
  }

  private async load(): Promise<FraudPolicy> {
    const [cidrRules, overrides] = await Promise.all([this.cidrRules.run([]), this.overrides.run([])]);
    return {
      cidrRules: (cidrRules.records as Record<string, unknown>[]).map((record) => {
        const rule = this.ruleRows.read(record)!;
        return { ruleType: rule.ruleType, identifier: rule.identifier, action: rule.action, expiresAt: rule.expiresAt };
      }),
      overrides: new Map(
        (overrides.records as { verdict_reason: string; override_action: VerdictAction }[]).map((row) => [
          row.verdict_reason,
          row.override_action,
        ]),
      ),
    };
  }
}
