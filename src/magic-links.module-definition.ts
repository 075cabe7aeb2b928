import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import type { MagicLinksModuleOptions } from './magic-links.options.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: MAGIC_LINKS_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MagicLinksModuleOptions>({ moduleName: 'MagicLinks' })
  .setClassMethodName('forRoot')
  .build();

/** Injection token of the validated options, with every default filled in. */
export const MAGIC_LINKS_OPTIONS = Symbol('MAGIC_LINKS_OPTIONS');

/** Injects the module's validated `ResolvedMagicLinksOptions`. */
export const InjectMagicLinksOptions = (): ParameterDecorator => Inject(MAGIC_LINKS_OPTIONS);
