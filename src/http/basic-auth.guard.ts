import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { ProjectCredentials } from './project-credentials.js';
import { StytchException } from './stytch.exception.js';

/** HTTP Basic `project_id:secret`, as Stytch's server API takes it, compared in constant time. */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  private readonly credentials: ProjectCredentials;

  constructor(@InjectMagicLinksOptions() options: ResolvedMagicLinksOptions) {
    this.credentials = new ProjectCredentials(options.projectId, options.secrets);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.credentials.verify(context.switchToHttp().getRequest())) {
      throw new StytchException('unauthorized_credentials');
    }
    return true;
  }
}
