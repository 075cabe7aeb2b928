import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { calculateJwkThumbprint, compactDecrypt, CompactEncrypt, type JWK } from 'jose';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  hkdfSync,
  randomUUID,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { StytchException } from '../http/stytch.exception.js';
import { TransactionsService } from '../database/transactions.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { InjectMagicLinksOptions } from '../options/inject-magic-links-options.decorator.js';
import type { ResolvedMagicLinksOptions } from '../options/magic-links.options.js';
import { SessionSigningKey } from './session-signing-key.entity.js';

/** A session JWT lives five minutes, whatever the session's own duration (as on Stytch). */
export const SESSION_JWT_LIFETIME_SECONDS = 300;
/**
 * How long a retired key stays in the JWKS. It must outlast the JWTs it signed: those signed just before the
 * rotation, and those other gateway processes sign until their key cache (`sessionKeyCacheMs`, at most ten minutes)
 * expires. An hour covers both with room.
 */
export const RETIRED_KEY_PUBLISHED_MS = 60 * 60_000;
/** An unknown `kid` makes a process re-read the keys (another one may have rotated), at most this often. */
const UNKNOWN_KID_RELOAD_MS = 5_000;
const DAY_MS = 24 * 60 * 60_000;

/** A public key as the JWKS publishes it. */
export interface PublishedJwk {
  kty: string;
  use: 'sig';
  key_ops: ['verify'];
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

interface KeyRing {
  signer: SigningKey;
  /** When the signer was generated; null for supplied keys, which are never rotated here. */
  signerCreatedAt: Date | null;
  published: { jwk: PublishedJwk; publicKey: KeyObject }[];
  loadedAt: number;
}

/**
 * The RS256 keys that sign session JWTs. Generated keys live in the database, their private halves encrypted;
 * exactly one signs (a unique column guarantees it across processes) and retired ones stay published for an
 * hour. Keys supplied through the options are used as given instead.
 */
@Injectable()
export class SessionKeysService implements OnApplicationBootstrap {
  /** The key-encryption keys, the newest (the one that encrypts) first; older ones only decrypt, during a rotation. */
  private readonly encryptionKeys: Uint8Array[];
  private cache?: { ring: Promise<KeyRing>; startedAt: number };

  constructor(
    @InjectMagicLinksOptions() private readonly options: ResolvedMagicLinksOptions,
    private readonly transactions: TransactionsService,
    @InjectRepository(SessionSigningKey) private readonly keys: Repository<SessionSigningKey>,
  ) {
    this.encryptionKeys = options.sessionKeyEncryptionKeys.map(
      (key) => new Uint8Array(hkdfSync('sha256', key, '', 'nestjs-magic-links session signing keys', 32)),
    );
  }

  /** Generates the first key, or reads the stored ones, before the first request. */
  async onApplicationBootstrap(): Promise<void> {
    await this.signingKey();
  }

  /** The key to sign with now. A generated key older than the rotation interval is replaced first. */
  async signingKey(): Promise<SigningKey> {
    const ring = await this.ring();
    const age = ring.signerCreatedAt ? Date.now() - ring.signerCreatedAt.getTime() : 0;
    if (age <= this.options.sessionKeyRotationDays * DAY_MS) return ring.signer;
    await this.replace(ring.signer.kid);
    this.cache = undefined;
    return (await this.ring()).signer;
  }

  /** The JWKS of `GET /v1/sessions/jwks/{project_id}`. */
  async jwks(projectId: string): Promise<PublishedJwk[]> {
    if (projectId !== this.options.projectId) throw new StytchException('project_not_found');
    return (await this.ring()).published.map(({ jwk }) => jwk);
  }

  /** The public key a published `kid` names, or undefined. */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    let ring = await this.ring();
    if (!ring.published.some(({ jwk }) => jwk.kid === kid)) {
      ring = await this.ring(UNKNOWN_KID_RELOAD_MS);
    }
    return ring.published.find(({ jwk }) => jwk.kid === kid)?.publicKey;
  }

  /**
   * Replaces the signing key now. The previous key stays in the JWKS for an hour, so the JWTs it signed verify
   * until they expire. Other gateway processes switch within a minute.
   */
  async rotate(): Promise<void> {
    if (this.options.sessionSigningKeys) {
      throw new Error(
        'Session signing keys are supplied through the sessionSigningKeys option: rotate by putting a new key first.',
      );
    }
    const active = await this.keys.findOne({ where: { active: true }, select: { kid: true } });
    await this.replace(active?.kid);
    this.cache = undefined;
  }

  private ring(maxAgeMs = this.options.sessionKeyCacheMs): Promise<KeyRing> {
    if (!this.cache || Date.now() - this.cache.startedAt > maxAgeMs) {
      const ring = this.options.sessionSigningKeys ? this.supplied() : this.load();
      const cache = { ring, startedAt: Date.now() };
      this.cache = cache;
      ring.catch(() => {
        if (this.cache === cache) this.cache = undefined;
      });
    }
    return this.cache.ring;
  }

  private async supplied(): Promise<KeyRing> {
    const published = await Promise.all(
      this.options.sessionSigningKeys!.map(async ({ privateKey, kid }) => {
        const publicKey = createPublicKey(privateKey);
        const jwk = publicKey.export({ format: 'jwk' }) as JWK;
        return { jwk: publish(jwk, kid ?? (await calculateJwkThumbprint(jwk))), publicKey };
      }),
    );
    const signer = { kid: published[0].jwk.kid, privateKey: this.options.sessionSigningKeys![0].privateKey };
    return { signer, signerCreatedAt: null, published, loadedAt: Date.now() };
  }

  private async load(firstAttempt = true): Promise<KeyRing> {
    const now = Date.now();
    const rows = await this.keys.find({
      where: [{ active: true }, { retiredAt: MoreThan(new Date(now - RETIRED_KEY_PUBLISHED_MS)) }],
      order: { createdAt: 'DESC' },
    });
    const active = rows.find((row) => row.active);
    if (!active) {
      if (!firstAttempt) throw new Error('No session signing key could be stored in session_signing_keys.');
      await this.replace(undefined);
      return this.load(false);
    }
    return {
      signer: { kid: active.kid, privateKey: await this.decrypt(active) },
      signerCreatedAt: active.createdAt,
      // The signer first: it is the key a client most likely needs.
      published: [active, ...rows.filter((row) => row !== active)].map((row) => ({
        jwk: row.publicJwk,
        publicKey: createPublicKey({ key: { ...row.publicJwk }, format: 'jwk' }),
      })),
      loadedAt: now,
    };
  }

  /**
   * Retires the signing key `kid` (if given) and stores a new one, in one transaction. When another process got
   * there first (the key is no longer active, or a new active key already exists), this one changes nothing.
   */
  private async replace(kid: string | undefined): Promise<void> {
    // Generated outside the transaction: an RSA key takes a while, and the transaction should not.
    const fresh = await this.generate();
    try {
      await this.transactions.run(async (manager) => {
        const now = new Date();
        if (kid !== undefined) {
          const retired = await manager.update(
            SessionSigningKey,
            { kid, active: true },
            { active: null, retiredAt: now },
          );
          if (retired.affected !== 1) return;
        }
        await manager.insert(SessionSigningKey, fresh);
        await manager.delete(SessionSigningKey, {
          retiredAt: LessThan(new Date(now.getTime() - RETIRED_KEY_PUBLISHED_MS)),
        });
      });
    } catch (error) {
      // Another process stored its new key first: that one signs.
      if (!isUniqueViolation(error)) throw error;
    }
  }

  private async generate(): Promise<SessionSigningKey> {
    const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    const kid = `jwk-${this.options.environment}-${randomUUID()}`;
    return this.keys.create({
      kid,
      publicJwk: publish(publicKey.export({ format: 'jwk' }) as JWK, kid),
      privateJwe: await this.encrypt(privateKey.export({ format: 'jwk' }), kid),
      active: true,
      createdAt: new Date(),
      retiredAt: null,
    });
  }

  /**
   * The row's private key, decrypted with whichever listed key-encryption key encrypted it. One read with an older
   * key is re-encrypted with the newest, so that the older key can then be dropped from the options.
   */
  private async decrypt(row: SessionSigningKey): Promise<KeyObject> {
    for (const [index, encryptionKey] of this.encryptionKeys.entries()) {
      const privateJwk = await decryptedJwk(row, encryptionKey);
      if (!privateJwk) continue;
      if (index > 0) await this.reencrypt(row, privateJwk);
      return createPrivateKey({ key: privateJwk, format: 'jwk' });
    }
    throw new Error(
      `The session signing key ${row.kid} cannot be decrypted with the configured sessionKeyEncryptionKey, nor any listed with it ` +
        '(when unset it is derived from the secret option, so changing the secret changes it). Restore the value it ' +
        'was stored with (list it after the new one during a rotation, docs/operations.md), or delete the rows of ' +
        'session_signing_keys to start over with a new key (JWTs signed by the old one then stop verifying).',
    );
  }

  /** A private JWK encrypted with the newest key-encryption key, its kid authenticated with it. */
  private encrypt(privateJwk: JsonWebKey, kid: string): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(privateJwk)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid })
      .encrypt(this.encryptionKeys[0]);
  }

  /** Stores the row's key encrypted with the newest key-encryption key, unless another process already did. */
  private async reencrypt(row: SessionSigningKey, privateJwk: JsonWebKey): Promise<void> {
    const privateJwe = await this.encrypt(privateJwk, row.kid);
    // Conditional on the old ciphertext: of processes racing to do it, one writes and the others change nothing.
    await this.keys.update({ kid: row.kid, privateJwe: row.privateJwe }, { privateJwe });
  }
}

/** The private JWK sealed in the row, or undefined when `encryptionKey` is not the key it was sealed with. */
async function decryptedJwk(row: SessionSigningKey, encryptionKey: Uint8Array): Promise<JsonWebKey | undefined> {
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(row.privateJwe, encryptionKey);
    // The kid is authenticated with the ciphertext: a blob copied onto another row does not decrypt as that key.
    if (protectedHeader.kid !== row.kid) return undefined;
    return JSON.parse(new TextDecoder().decode(plaintext)) as JsonWebKey;
  } catch {
    return undefined;
  }
}

function publish(jwk: JWK, kid: string): PublishedJwk {
  return { kty: jwk.kty!, use: 'sig', key_ops: ['verify'], alg: 'RS256', kid, n: jwk.n!, e: jwk.e! };
}
