import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { StytchException } from '../http/stytch.exception.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import type { SessionResponse } from './dto/session.response.js';
import { SESSION_JWT_LIFETIME_SECONDS, SessionKeysService, type SigningKey } from './session-keys.service.js';

/** The claim in which Stytch puts the session; the official client reads it back as the session. */
export const SESSION_CLAIM = 'https://stytch.com/session';

/**
 * Session JWTs as Stytch issues them and its official client verifies them locally: RS256 with `kid` and
 * `typ: "JWT"`, `sub` = user_id, `aud` = [project_id], `iss` = `stytch.com/{project_id}`, five minutes of life,
 * the session in the `https://stytch.com/session` claim and the custom claims at the top level.
 */
@Injectable()
export class SessionJwtService {
  private readonly issuer: string;

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly keys: SessionKeysService,
  ) {
    this.issuer = `stytch.com/${options.projectId}`;
  }

  /** Signs with a key fetched beforehand, so that signing inside a database transaction does no I/O. */
  async sign(key: SigningKey, session: SessionResponse): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      ...session.custom_claims,
      [SESSION_CLAIM]: {
        id: session.session_id,
        started_at: session.started_at,
        last_accessed_at: session.last_accessed_at,
        expires_at: session.expires_at,
        attributes: session.attributes,
        authentication_factors: session.authentication_factors,
        roles: session.roles,
      },
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setSubject(session.user_id)
      .setAudience([this.options.projectId])
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + SESSION_JWT_LIFETIME_SECONDS)
      .sign(key.privateKey);
  }

  /**
   * The session and user a JWT of this project names. Signature, key, `typ`, issuer and audience must all hold;
   * expiry does not, because an expired JWT is how a client asks for a fresh one while the session lives.
   */
  async verify(jwt: string): Promise<{ sessionId: string; userId: string }> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(
        jwt,
        async ({ kid }) => {
          const key = kid === undefined ? undefined : await this.keys.verificationKey(kid);
          if (!key) throw new Error('The JWT names no published key.');
          return key;
        },
        { algorithms: ['RS256'], typ: 'JWT', issuer: this.issuer, audience: this.options.projectId },
      ));
    } catch (error) {
      // jose checks expiry last, after the signature and every other claim: an expired JWT is otherwise valid.
      if (!(error instanceof errors.JWTExpired)) throw new StytchException('unable_to_parse_session_jwt');
      claims = error.payload;
    }
    const session = claims[SESSION_CLAIM] as { id?: unknown } | undefined;
    if (typeof claims.sub !== 'string' || typeof session?.id !== 'string') {
      throw new StytchException('unable_to_parse_session_jwt');
    }
    return { sessionId: session.id, userId: claims.sub };
  }
}
