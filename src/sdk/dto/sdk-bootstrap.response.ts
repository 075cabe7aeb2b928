import { ApiProperty } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';

export class SdkCaptchaSettingsResponse {
  @ApiProperty({ example: false })
  enabled!: boolean;
}

/**
 * The project settings the SDK loads first (`BootstrapDataManager.mapBootstrapData` reads these fields). Only
 * email magic links and sessions exist here, so every other product's switch is off.
 */
export class SdkBootstrapResponse extends StytchResponseDto {
  @ApiProperty({ description: 'The product name the default mails use.', example: 'app.example.com' })
  project_name!: string;

  @ApiProperty({ description: 'Consumer, as the SDK expects of a StytchClient project.', example: 'CONSUMER' })
  vertical!: 'CONSUMER';

  @ApiProperty({ description: 'Never "Powered by Stytch" under the login form.', example: true })
  disable_sdk_watermark!: boolean;

  @ApiProperty({
    description:
      'Whether the SDK must send a PKCE code_challenge with email magic links (the sdk.pkceRequired option).',
    example: true,
  })
  pkce_required_for_email_magic_links!: boolean;

  @ApiProperty({ example: false })
  pkce_required_for_password_resets!: boolean;

  @ApiProperty({ example: false })
  pkce_required_for_oauth!: boolean;

  @ApiProperty({ example: false })
  pkce_required_for_sso!: boolean;

  @ApiProperty({
    type: [String],
    description: "The domain mail comes from, from the From address: the SDK's hint of where to look for the mail.",
    example: ['example.com'],
  })
  email_domains!: string[];

  @ApiProperty({ type: SdkCaptchaSettingsResponse })
  captcha_settings!: SdkCaptchaSettingsResponse;

  @ApiProperty({ example: false })
  dfp_protected_auth_enabled!: boolean;

  @ApiProperty({ type: String, nullable: true, example: null })
  cname_domain!: null;

  @ApiProperty({ type: String, nullable: true, example: null })
  slug_pattern!: null;

  @ApiProperty({ example: false })
  create_organization_enabled!: boolean;

  @ApiProperty({ type: Object, nullable: true, example: null })
  password_config!: null;

  @ApiProperty({
    type: Object,
    description: 'No roles: this gateway has no RBAC policy (the SDK then grants no permission).',
    example: { roles: [], resources: [] },
  })
  rbac_policy!: { roles: never[]; resources: never[] };

  @ApiProperty({ example: false })
  siwe_required_for_crypto_wallets!: boolean;
}
