import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { MagicLinksModuleOptions } from './options/magic-links.options.js';

/**
 * Module-level choices, given beside the options (they shape the module, so they cannot wait for a
 * `forRootAsync` factory). `emailQueue: 'bull'` needs the host's `BullModule.forRoot(…)` (Redis); the default,
 * `in-process`, needs nothing.
 */
export interface MagicLinksModuleExtras {
  emailQueue: 'in-process' | 'bull';
  /**
   * Mounts `GET /metrics` (Prometheus' text format) on the host's app, for `metrics.bearerToken`. Off by default: a
   * host usually serves the registry (`MAGIC_LINKS_METRICS_REGISTRY`) with its own metrics.
   */
  metricsEndpoint?: boolean;
}

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: MAGIC_LINKS_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MagicLinksModuleOptions>({ moduleName: 'MagicLinks' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createMagicLinksOptions')
  // Applied by MagicLinksModule.forRoot/forRootAsync, which add the chosen queue's providers.
  .setExtras<MagicLinksModuleExtras>({ emailQueue: 'in-process', metricsEndpoint: false }, (definition) => definition)
  .build();

/** The argument of `MagicLinksModule.forRoot()`. */
export type MagicLinksModuleForRootOptions = typeof OPTIONS_TYPE;
/** The argument of `MagicLinksModule.forRootAsync()`: `useFactory` + `inject`, `useClass` or `useExisting`. */
export type MagicLinksModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/** What `forRootAsync({ useClass })` / `useExisting` expects, named as TypeORM's and the throttler's are. */
export interface MagicLinksOptionsFactory {
  createMagicLinksOptions(): MagicLinksModuleOptions | Promise<MagicLinksModuleOptions>;
}
