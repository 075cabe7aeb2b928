import { SetMetadata, type ExecutionContext } from '@nestjs/common';

const BROWSER_FACING = 'magic-links:browser-facing';

/**
 * Marks a controller that people's browsers (and the mail scanners in front of them) call, not the project's
 * backend: the page behind emailed links and its confirm. Such traffic follows how many mails were opened, so it
 * must not spend the project's API budget; `isBrowserFacing` lets a host's project-wide throttler skip it.
 */
export const BrowserFacing = (): ClassDecorator => SetMetadata(BROWSER_FACING, true);

/** For a throttler's `skipIf`: true on routes of a `@BrowserFacing()` controller. */
export const isBrowserFacing = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(BROWSER_FACING, context.getClass()) === true;
