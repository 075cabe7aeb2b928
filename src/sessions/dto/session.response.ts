import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';
import { UserResponse } from '../../users/dto/user.response.js';

export class SessionAttributesResponse {
  @ApiProperty({ description: 'The IP address given when the session started; empty if none.', example: '203.0.113.7' })
  ip_address!: string;

  @ApiProperty({
    description: 'The user agent given when the session started; empty if none.',
    example: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  })
  user_agent!: string;
}

export class EmailFactorResponse {
  @ApiProperty({ example: 'email-test-81bf03a8-86e1-4d95-bd44-bb3495224953' })
  email_id!: string;

  @ApiProperty({ example: 'sandbox@stytch.com' })
  email_address!: string;
}

export class EmbeddableMagicLinkFactorResponse {
  @ApiProperty({
    description: 'The embeddable magic link that authenticated (the `method_id` authenticate returned).',
    example: 'magic-link-test-2f1c0f0e-5f0e-4a53-9d84-8b1f4f2b6a10',
  })
  embedded_id!: string;
}

export class AuthenticationFactorResponse {
  @ApiProperty({ example: 'magic_link' })
  type!: string;

  @ApiProperty({ enum: ['email', 'embedded'], example: 'email' })
  delivery_method!: string;

  @ApiPropertyOptional({ type: EmailFactorResponse, description: 'Present for email magic links.' })
  email_factor?: EmailFactorResponse;

  @ApiPropertyOptional({
    type: EmbeddableMagicLinkFactorResponse,
    description: 'Present for embeddable magic links.',
  })
  embeddable_magic_link_factor?: EmbeddableMagicLinkFactorResponse;

  @ApiProperty({ example: '2026-11-22T09:15:00Z' })
  last_authenticated_at!: string;

  @ApiProperty({ example: '2026-11-22T09:15:00Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-11-22T09:15:00Z' })
  updated_at!: string;
}

/** Stytch's Session object. Times are RFC 3339, UTC. */
export class SessionResponse {
  @ApiProperty({ example: 'session-test-fe6c042b-6286-479f-8a4f-b046a6c46509' })
  session_id!: string;

  @ApiProperty({ example: 'user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6' })
  user_id!: string;

  @ApiProperty({ example: '2026-11-22T09:15:00Z' })
  started_at!: string;

  @ApiProperty({ example: '2026-11-22T09:41:52Z' })
  last_accessed_at!: string;

  @ApiProperty({ example: '2026-11-22T10:15:00Z' })
  expires_at!: string;

  @ApiProperty({ type: SessionAttributesResponse })
  attributes!: SessionAttributesResponse;

  @ApiProperty({ type: [AuthenticationFactorResponse] })
  authentication_factors!: AuthenticationFactorResponse[];

  @ApiProperty({ type: 'object', additionalProperties: true, example: { plan: 'pro' } })
  custom_claims!: Record<string, unknown>;

  @ApiProperty({
    type: [String],
    description: "`stytch_user`, which every user has, and the user's own roles.",
    example: ['stytch_user'],
  })
  roles!: string[];
}

export class AuthenticateSessionResponse extends StytchResponseDto {
  @ApiProperty({ type: SessionResponse })
  session!: SessionResponse;

  @ApiProperty({
    description:
      'The session token when the session was authenticated with it; empty when it was authenticated with a ' +
      'session_jwt, because only a hash of the token is stored.',
    example: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q',
  })
  session_token!: string;

  @ApiProperty({
    description: 'A fresh session JWT, valid for 5 minutes.',
    example: 'eyJhbGciOiJSUzI1NiIsImtpZCI6Imp3ay10ZXN0LTEyMyIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLXRlc3QtMSJ9.c2ln',
  })
  session_jwt!: string;

  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}

export class RevokeSessionResponse extends StytchResponseDto {}

export class GetSessionsResponse extends StytchResponseDto {
  @ApiProperty({ type: [SessionResponse], description: "The user's sessions that have not expired or been revoked." })
  sessions!: SessionResponse[];
}

/** A public key of the JWKS: what the official client (jose) needs to pick it and verify with it. */
export class JwkResponse {
  @ApiProperty({ example: 'RSA' })
  kty!: string;

  @ApiProperty({ example: 'sig' })
  use!: string;

  @ApiProperty({ type: [String], example: ['verify'] })
  key_ops!: string[];

  @ApiProperty({ example: 'RS256' })
  alg!: string;

  @ApiProperty({ example: 'jwk-test-1c2f4a56-0d8e-4f3b-9a1e-6b7c8d9e0f12' })
  kid!: string;

  @ApiProperty({ description: 'RSA modulus, base64url.', example: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri…' })
  n!: string;

  @ApiProperty({ description: 'RSA public exponent, base64url.', example: 'AQAB' })
  e!: string;
}

export class JwksResponse extends StytchResponseDto {
  @ApiProperty({
    type: [JwkResponse],
    description: 'The signing key first, then retired keys still published for the JWTs they signed.',
  })
  keys!: JwkResponse[];
}
