import type { DynamicModule } from '@nestjs/common';
import { MagicLinksOptionsError } from '../options/magic-links.options.js';
import { BULL_EMAIL_QUEUE, EMAIL_QUEUE_NAME } from './bull-email.queue.js';

/** Holds the registered Bull queue under the module's own token. */
class BullQueueModule {}

/**
 * Registers the email queue on the host's `BullModule.forRoot(…)` connection. `@nestjs/bull` and `bull` are
 * optional peers, imported only here and only when `emailQueue: 'bull'` is chosen, so a host without Redis
 * installs neither.
 */
export async function bullQueueModule(): Promise<DynamicModule> {
  let bull: typeof import('@nestjs/bull');
  try {
    bull = await import('@nestjs/bull');
  } catch (error) {
    throw new MagicLinksOptionsError(
      `emailQueue: 'bull' needs the packages @nestjs/bull and bull (npm install @nestjs/bull bull) and the host's ` +
        `BullModule.forRoot({ redis: … }); they could not be loaded (${(error as Error).message}).`,
    );
  }
  return {
    module: BullQueueModule,
    imports: [bull.BullModule.registerQueue({ name: EMAIL_QUEUE_NAME })],
    providers: [{ provide: BULL_EMAIL_QUEUE, useExisting: bull.getQueueToken(EMAIL_QUEUE_NAME) }],
    exports: [BULL_EMAIL_QUEUE],
  };
}
