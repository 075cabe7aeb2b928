import type { EntityManager } from 'typeorm';
import type { AttributesDto } from '../common/attributes.dto.js';
import { MagicLinkEvent } from './magic-link-event.entity.js';

/**
 * authenticate's `options.device_match_required`: the link was confirmed at its redirect page by a device whose
 * recorded attributes equal every attribute the app passes (at least one is required). It shows the token reached
 * the app through a person's confirm, from the browser that clicked, not lifted from a URL and replayed elsewhere.
 */
export async function confirmedFromDevice(
  manager: EntityManager,
  magicLinkId: string,
  attributes: AttributesDto | undefined,
): Promise<boolean> {
  const { ip_address: ipAddress, user_agent: userAgent } = attributes ?? {};
  if (ipAddress === undefined && userAgent === undefined) return false;
  const confirms = await manager.find(MagicLinkEvent, {
    where: { magicLinkId, type: 'confirm' },
    select: { id: true, ipAddress: true, userAgent: true },
  });
  return confirms.some(
    (confirm) =>
      (ipAddress === undefined || confirm.ipAddress === ipAddress) &&
      (userAgent === undefined || confirm.userAgent === userAgent),
  );
}
