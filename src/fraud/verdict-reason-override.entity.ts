import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VerdictAction } from './verdict-reasons.js';

/** The action a verdict reason gets instead of its default, set with `verdictReasons.override`. */
@Entity('fraud_verdict_reason_overrides')
export class VerdictReasonOverride {
  @PrimaryColumn({ name: 'verdict_reason', type: 'varchar', length: 64 })
  verdictReason!: string;

  @Column({ name: 'override_action', type: 'varchar', length: 16 })
  overrideAction!: VerdictAction;

  @Column({ name: 'override_description', type: 'varchar', length: 512, nullable: true })
  overrideDescription!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
