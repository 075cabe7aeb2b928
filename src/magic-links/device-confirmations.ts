import type { AttributesDto } from '../device/attributes.dto.js';

/**
 * authenticate's `options.device_match_required` asks whether the link was confirmed at its redirect page by a
 * device whose recorded attributes equal every attribute the app passes, or, when the app passes a telemetry_id,
 * whose page telemetry had the same visitor fingerprint. The redirect page records those confirms,
 * and it depends on magic links, so magic links ask through this port, which the redirect feature provides.
 */
export abstract class DeviceConfirmations {
  abstract confirmedFromDevice(
    magicLinkId: string,
    attributes: AttributesDto | undefined,
    visitorFingerprint?: string,
  ): Promise<boolean>;
}
