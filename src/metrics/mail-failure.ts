/**
 * Why a delivery attempt failed, as one of a few classes (a label value: never the server's text, which may name
 * the recipient).
 */
export type MailFailureClass = 'rejected' | 'deferred' | 'timeout' | 'connection' | 'auth' | 'link_unusable' | 'other';

const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/** The class of a send error: nodemailer's SMTP reply code and error code, or node's socket error code. */
export function mailFailureClass(error: unknown): MailFailureClass {
  const { responseCode, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    code?: unknown;
  };
  if (typeof responseCode === 'number' && responseCode >= 500) return 'rejected';
  if (typeof responseCode === 'number' && responseCode >= 400) return 'deferred';
  if (code === 'EAUTH') return 'auth';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return 'connection';
  return 'other';
}
