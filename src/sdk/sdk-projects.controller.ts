import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { StytchParam } from '../http/stytch-param.decorator.js';
import { StytchException } from '../http/stytch.exception.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { SdkBootstrapResponse } from './dto/sdk-bootstrap.response.js';
import { ApiSdkOkResponse, SdkApi } from './sdk-api.decorator.js';

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

@SdkApi()
@Controller('sdk/v1/projects')
export class SdkProjectsController {
  constructor(@InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions) {}

  @Get('bootstrap/:public_token')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The project's SDK settings",
    description:
      'The first call the SDK makes: which products and checks the project turns on (PKCE for email magic links).',
  })
  @ApiParam({ name: 'public_token', description: "The project's public token.", example: 'public-token-test-…' })
  @ApiSdkOkResponse(SdkBootstrapResponse)
  bootstrap(@StytchParam('public_token') publicToken: string): Body<SdkBootstrapResponse> {
    if (publicToken !== this.options.publicToken) {
      throw new StytchException(
        'unauthorized_credentials',
        "The public token in the path is not this project's: pass the public token the gateway is configured with.",
      );
    }
    const fromDomain = /@([^>\s]+)>?\s*$/.exec(this.options.email.from)?.[1];
    return {
      project_name: this.options.email.appName,
      vertical: 'CONSUMER',
      disable_sdk_watermark: true,
      pkce_required_for_email_magic_links: this.options.sdk.pkceRequired,
      pkce_required_for_password_resets: false,
      pkce_required_for_oauth: false,
      pkce_required_for_sso: false,
      email_domains: fromDomain ? [fromDomain] : [],
      captcha_settings: { enabled: false },
      dfp_protected_auth_enabled: false,
      cname_domain: null,
      slug_pattern: null,
      create_organization_enabled: false,
      password_config: null,
      // Empty rather than null: the SDK reports a missing policy as an error in the console.
      rbac_policy: { roles: [], resources: [] },
      siwe_required_for_crypto_wallets: false,
    };
  }
}
