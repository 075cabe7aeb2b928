import { Inject } from '@nestjs/common';

/** Injection token of the validated options, with every default filled in. */
export const MAGIC_LINKS_OPTIONS = Symbol('MAGIC_LINKS_OPTIONS');

/** Injects the module's validated `ResolvedMagicLinksOptions`. */
export const InjectMagicLinksOptions = (): ParameterDecorator => Inject(MAGIC_LINKS_OPTIONS);
