import type { AttributesDto } from '../device/attributes.dto.js';

/**
 * authenticate's `options.device_match_required` asks whether the link was confirmed at its redirect page by a
 * device whose recorded attributes equal every attribute the app passes. The redirect page records those confirms,
 * and it depends on magic links, so magic links ask through this port, which the redirect feature provides.
 */
export abstract class DeviceConfirmations {
  abstract confirmedFromDevice(magicLinkId: string, attributes: AttributesDto | undefined): Promise<boolean>;
}
