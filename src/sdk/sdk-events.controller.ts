import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { StytchResponseDto } from '../http/stytch-response.dto.js';
import { ApiSdkOkResponse, SdkApi } from './sdk-api.decorator.js';

class SdkEventsResponse extends StytchResponseDto {}

/**
 * The SDK's telemetry: batches of events (`sdk_instance_instantiated`, `render_login_screen`, …) it posts every
 * second or so, without credentials, and whose failures it ignores. This gateway keeps no analytics: it accepts
 * them from authorized origins and drops them, so the SDK never retries and nobody's events are stored.
 */
@SdkApi({ publicToken: false })
@Controller('sdk/v1/events')
export class SdkEventsController {
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: "The SDK's telemetry (accepted and dropped)" })
  @ApiSdkOkResponse(SdkEventsResponse)
  accept(): Record<string, never> {
    return {};
  }
}
