import { Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { StytchException } from '../http/stytch.exception.js';
import { DeviceFingerprintingService, type FingerprintLookup } from './device-fingerprinting.service.js';
import { FingerprintLookupDto } from './dto/fingerprint-lookup.dto.js';
import { FingerprintLookupResponse } from './dto/fingerprint-lookup.response.js';

/** `fraud.fingerprint.lookup` of the official client, which sends it to its `fraud_env`. */
@ApiTags(MAGIC_LINKS_API_TAGS.fraud.name)
@StytchApi()
@Controller('v1/fingerprint')
export class FingerprintLookupController {
  constructor(private readonly fingerprinting: DeviceFingerprintingService) {}

  @Post('lookup')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Look up a fingerprint and its verdict',
    description:
      'The fingerprints and verdict (ALLOW, CHALLENGE or BLOCK, with its reasons) of the telemetry_id that ' +
      '`GetTelemetryID()` resolved to in the browser. Rules and reason overrides apply as they stand now. An ' +
      'unknown or expired telemetry_id is 404 `telemetry_id_not_found`: treat it as a BLOCK.',
  })
  @ApiBodyExample(
    FingerprintLookupDto,
    { telemetry_id: '026ac93b-8cdf-4fcb-bfa6-36a31cfecac1' },
    'Put a telemetry_id from GetTelemetryID()',
  )
  @ApiOkResponse({ type: FingerprintLookupResponse })
  @ApiStytchErrors('telemetry_id_not_found', 'bad_request')
  async lookup(@StytchBody() dto: FingerprintLookupDto): Promise<FingerprintLookup> {
    const found = await this.fingerprinting.lookup(dto.telemetry_id, { ...dto.external_metadata });
    if (!found) throw new StytchException('telemetry_id_not_found');
    return found;
  }
}
