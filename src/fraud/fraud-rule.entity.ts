import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RuleType } from './fraud-rule-types.js';
import type { VerdictAction } from './verdict-reasons.js';

/** A rule set with `rules.set`: the action every lookup whose identifier matches gets, until it expires. */
@Entity('fraud_rules')
@Index('IDX_fraud_rules_rule_type_identifier', ['ruleType', 'identifier'], { unique: true })
export class FraudRule {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'rule_type', type: 'varchar', length: 32 })
  ruleType!: RuleType;

  /** The visitor id, fingerprint, normalised CIDR block or country code the rule is for. */
  @Column({ type: 'varchar', length: 128 })
  identifier!: string;

  @Column({ type: 'varchar', length: 16 })
  action!: VerdictAction;

  @Column({ type: 'varchar', length: 512, nullable: true })
  description!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'last_updated_at', type: Date, nullable: true })
  lastUpdatedAt!: Date | null;

  @Index('IDX_fraud_rules_expires_at')
  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;
}
