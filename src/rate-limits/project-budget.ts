import type { ExecutionContext } from '@nestjs/common';
import type { ProjectCredentials } from '../http/project-credentials.js';
import { isBrowserFacing } from './browser-facing.decorator.js';

/**
 * For a project-wide throttler's `skipIf`: the requests that must not spend the project's budget. A caller that has
 * not proven it holds the secret would otherwise lock the project's own backend out by sending requests with no or
 * wrong credentials (it stays limited per IP); browser-facing routes follow how many mails were opened.
 */
export function outsideProjectBudget(credentials: ProjectCredentials): (context: ExecutionContext) => boolean {
  return (context) =>
    isBrowserFacing(context) ||
    !credentials.verify(context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>());
}
