import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TransactionsService } from '../database/transactions.service.js';
import { FraudPolicyCache } from './fraud-policy.cache.js';
import { VerdictReasonOverride } from './verdict-reason-override.entity.js';
import { VERDICT_REASON_DEFAULTS, VERDICT_REASONS, type VerdictAction, type VerdictReason } from './verdict-reasons.js';

/** Stytch's `VerdictReasonAction`. */
export interface VerdictReasonAction {
  verdict_reason: string;
  default_action: VerdictAction;
  override_action?: VerdictAction;
  override_created_at?: string;
  override_description?: string;
}

/** Overrides of the default action of a verdict reason (`verdictReasons.override`, `verdictReasons.list`). */
@Injectable()
export class VerdictReasonsService {
  private readonly logger = new Logger('VerdictReasons');

  constructor(
    @InjectRepository(VerdictReasonOverride) private readonly stored: Repository<VerdictReasonOverride>,
    private readonly transactions: TransactionsService,
    private readonly policy: FraudPolicyCache,
  ) {}

  /** Sets the action a reason gets, or with `NONE` restores its default; returns the reason's actions. */
  async override(
    reason: VerdictReason,
    action: VerdictAction | 'NONE',
    description: string | undefined,
  ): Promise<VerdictReasonAction> {
    if (action === 'NONE') {
      await this.transactions.run(async (manager) => {
        await manager.getRepository(VerdictReasonOverride).delete({ verdictReason: reason });
        await this.policy.changed(manager);
      });
      this.logger.log({ verdict_reason: reason }, 'Verdict reason override cleared');
      return presentReason(reason, undefined);
    }
    const override: VerdictReasonOverride = {
      verdictReason: reason,
      overrideAction: action,
      overrideDescription: description ?? null,
      createdAt: new Date(),
    };
    await this.transactions.run(async (manager) => {
      await manager.getRepository(VerdictReasonOverride).upsert(override, ['verdictReason']);
      await this.policy.changed(manager);
    });
    this.logger.log({ verdict_reason: reason, override_action: action }, 'Verdict reason overridden');
    return presentReason(reason, override);
  }

  /** Every reason that can be overridden, with its default and any override; or only those overridden. */
  async list(overridesOnly: boolean): Promise<VerdictReasonAction[]> {
    const overrides = new Map((await this.stored.find()).map((row) => [row.verdictReason, row]));
    return VERDICT_REASONS.filter((reason) => !overridesOnly || overrides.has(reason)).map((reason) =>
      presentReason(reason, overrides.get(reason)),
    );
  }
}

function presentReason(reason: VerdictReason, override: VerdictReasonOverride | undefined): VerdictReasonAction {
  return {
    verdict_reason: reason,
    default_action: VERDICT_REASON_DEFAULTS[reason],
    ...(override && {
      override_action: override.overrideAction,
      override_created_at: override.createdAt.toISOString(),
      ...(override.overrideDescription !== null && { override_description: override.overrideDescription }),
    }),
  };
}
