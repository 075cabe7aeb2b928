import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import type { MagicLinksModuleOptions } from './magic-links.options.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: MAGIC_LINKS_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MagicLinksModuleOptions>({ moduleName: 'MagicLinks' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createMagicLinksOptions')
  .build();

/** The argument of `MagicLinksModule.forRoot()`. */
export type MagicLinksModuleForRootOptions = typeof OPTIONS_TYPE;
/** The argument of `MagicLinksModule.forRootAsync()`: `useFactory` + `inject`, `useClass` or `useExisting`. */
export type MagicLinksModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/** What `forRootAsync({ useClass })` / `useExisting` expects, named as TypeORM's and the throttler's are. */
export interface MagicLinksOptionsFactory {
  createMagicLinksOptions(): MagicLinksModuleOptions | Promise<MagicLinksModuleOptions>;
}

/** Injection token of the validated options, with every default filled in. */
export const MAGIC_LINKS_OPTIONS = Symbol('MAGIC_LINKS_OPTIONS');

/** Injects the module's validated `ResolvedMagicLinksOptions`. */
export const InjectMagicLinksOptions = (): ParameterDecorator => Inject(MAGIC_LINKS_OPTIONS);
