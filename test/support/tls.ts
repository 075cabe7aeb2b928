import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';

export interface ThrowawayCertificate {
  certFile: string;
  keyFile: string;
  /** The certificate, PEM: the test's clients trust it as their only CA. */
  cert: string;
}

/** A self-signed certificate for `hostname` and 127.0.0.1, made with openssl for this run only. */
export function throwawayCertificate(hostname: string): ThrowawayCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'magic-links-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${hostname}`,
      '-addext',
      `subjectAltName=DNS:${hostname},IP:127.0.0.1`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8') };
}

/** An HTTP agent that trusts `ca` alone, for the test's own clients (fetch, the official `stytch` client). */
export function trustingAgent(ca: string): Agent {
  return new Agent({ connect: { ca } });
}

/** `fetch` through an agent that trusts `ca`. */
export function trustingFetch(ca: string): typeof fetch {
  const dispatcher = trustingAgent(ca);
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}
