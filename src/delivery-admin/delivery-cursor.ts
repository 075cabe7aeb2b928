import { StytchException } from '../http/stytch.exception.js';

/** Where a page of the listing ended: its last delivery, in the listing's order (newest first, then by id). */
export interface DeliveryPosition {
  createdAt: Date;
  id: string;
}

/** The position as an opaque `next_cursor`: callers pass it back unchanged and never build one. */
export function encodeCursor(position: DeliveryPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

/** The position a `cursor` names; `invalid_cursor` when it is not one this API handed out. */
export function decodeCursor(cursor: string): DeliveryPosition {
  const match =
    /^((?:19[7-9]\d|[2-9]\d{3})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(email-delivery-(?:test|live)-[0-9a-f-]{36})$/.exec(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
  const createdAt = match ? new Date(match[1]) : undefined;
  if (!match || Number.isNaN(createdAt!.getTime()))
    throw new StytchException(
      'invalid_cursor',
      'cursor is invalid: pass the next_cursor of the previous page unchanged.',
    );
  return { createdAt: createdAt!, id: match[2] };
}
