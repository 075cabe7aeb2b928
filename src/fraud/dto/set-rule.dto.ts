import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Free text is stored in a varchar column, where PostgreSQL refuses NUL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

/** One of the identifiers a rule can be for; exactly one is passed. */
const identifier = (field: string, description: string, example: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, example, maxLength: 128 }),
    IsOptional(),
    IsString({ message: `${field} must be a string.` }),
    MaxLength(128, { message: `${field} must be at most 128 characters.` }),
    Matches(/^[\x21-\x7e]+$/, { message: `${field} must be printable ASCII without spaces, as lookups return it.` }),
  );

/** `POST /v1/rules/set`: one identifier, its action, and optionally when the rule ends. */
export class SetRuleDto {
  @ApiProperty({
    enum: ['ALLOW', 'CHALLENGE', 'BLOCK', 'NONE'],
    description: 'The action lookups matching the identifier get, with a `RULE_MATCH` reason; `NONE` clears the rule.',
    example: 'BLOCK',
  })
  @IsIn(['ALLOW', 'CHALLENGE', 'BLOCK', 'NONE'], { message: 'action must be one of ALLOW, CHALLENGE, BLOCK or NONE.' })
  action!: 'ALLOW' | 'CHALLENGE' | 'BLOCK' | 'NONE';

  @identifier('visitor_id', 'A visitor_id from a lookup.', 'visitor-6139cbcc-4dda-4b1f-b1c0-13c08ec64d72')
  visitor_id?: string;

  @identifier('browser_id', 'A browser_id from a lookup.', 'browser-f0c9a3e1-6c2d-4b5e-8f1a-2b3c4d5e6f70')
  browser_id?: string;

  @identifier('visitor_fingerprint', 'A visitor_fingerprint from a lookup.', '5f8b0c7a2d4e4f6a9b1c3d5e7f9a1b3c')
  visitor_fingerprint?: string;

  @identifier(
    'browser_fingerprint',
    'A browser_fingerprint from a lookup (shared by identical browsers on identical hardware).',
    '0d6e2f1a8b3c4d5e9f0a1b2c3d4e5f60',
  )
  browser_fingerprint?: string;

  @identifier(
    'hardware_fingerprint',
    'A hardware_fingerprint from a lookup (shared by identical devices).',
    'a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d',
  )
  hardware_fingerprint?: string;

  @identifier(
    'network_fingerprint',
    'A network_fingerprint from a lookup (shared by a whole network).',
    '1f2e3d4c5b6a79880a9b8c7d6e5f4a3b',
  )
  network_fingerprint?: string;

  @identifier('cidr_block', 'An IP address or CIDR block (IPv4 prefix 16 to 32).', '203.0.113.0/24')
  cidr_block?: string;

  @identifier(
    'country_code',
    'An ISO 3166-1 alpha-2 country code; ALLOW is not allowed. Matches only with `fraud.countryHeader`.',
    'AQ',
  )
  country_code?: string;

  @ApiPropertyOptional({
    description: 'Not supported by this gateway (it has no ASN data): a request with it is refused.',
  })
  @IsOptional()
  @IsString({ message: 'asn must be a string.' })
  @MaxLength(16, { message: 'asn must be at most 16 characters.' })
  asn?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Minutes until the rule expires; without it the rule is kept until changed or cleared.',
    example: 60,
  })
  @IsOptional()
  @IsInt({ message: 'expires_in_minutes must be a whole number of minutes.' })
  @Min(1, { message: 'expires_in_minutes must be at least 1.' })
  @Max(5_256_000, { message: 'expires_in_minutes must be at most 5256000 (10 years).' })
  expires_in_minutes?: number;

  @ApiPropertyOptional({ description: 'Why the rule exists, for whoever reads it later.', maxLength: 512 })
  @IsOptional()
  @IsString({ message: 'description must be a string.' })
  @MaxLength(512, { message: 'description must be at most 512 characters.' })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'description must not contain control characters.' })
  description?: string;
}
