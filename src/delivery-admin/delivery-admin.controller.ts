import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { StytchParam } from '../http/stytch-param.decorator.js';
import { StytchQuery } from '../http/stytch-query.decorator.js';
import { DeliveryAdminService, type DeliveryWithAttempts } from './delivery-admin.service.js';
import { GetEmailDeliveryResponse, ListEmailDeliveriesResponse } from './dto/email-delivery.response.js';
import { ListEmailDeliveriesDto } from './dto/list-email-deliveries.dto.js';
import { presentDelivery, presentDeliveryWithAttempts } from './email-delivery.presenter.js';

const DELIVERY_ID_PARAM = {
  name: 'delivery_id',
  type: String,
  description: 'The delivery, as the listing names it.',
  example: 'email-delivery-test-3f7c1b2e-9d4a-4c61-8e0f-5a2b7c9d1e34',
};

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

/** A gateway extension (Stytch has no such endpoint): the email deliveries, for operators. */
@ApiTags(MAGIC_LINKS_API_TAGS.deliveries.name)
@StytchApi()
@Controller('v1/email_deliveries')
export class DeliveryAdminController {
  constructor(private readonly deliveries: DeliveryAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'List email deliveries (gateway extension)',
    description:
      'Newest first, filtered by status, address and creation time, a page at a time: pass `next_cursor` back as ' +
      '`cursor` for the next page. A delivery never shows its token or its link.',
    operationId: 'gateway_email_deliveries_list',
  })
  @ApiOkResponse({ type: ListEmailDeliveriesResponse })
  @ApiStytchErrors('bad_request', 'invalid_cursor')
  async list(@StytchQuery() query: ListEmailDeliveriesDto): Promise<Body<ListEmailDeliveriesResponse>> {
    const page = await this.deliveries.list(
      {
        status: query.status,
        email: query.email,
        createdAfter: query.created_after === undefined ? undefined : new Date(query.created_after),
        createdBefore: query.created_before === undefined ? undefined : new Date(query.created_before),
      },
      query.cursor,
      query.limit === undefined ? undefined : Number(query.limit),
    );
    return { deliveries: page.deliveries.map(presentDelivery), next_cursor: page.nextCursor };
  }

  @Get(':delivery_id')
  @ApiOperation({
    summary: 'Get an email delivery and its attempts (gateway extension)',
    description: 'The delivery, its last error and each finished attempt with how it ended.',
    operationId: 'gateway_email_deliveries_get',
  })
  @ApiParam(DELIVERY_ID_PARAM)
  @ApiOkResponse({ type: GetEmailDeliveryResponse })
  @ApiStytchErrors('invalid_email_delivery_id', 'email_delivery_not_found')
  async get(@StytchParam('delivery_id') id: string): Promise<Body<GetEmailDeliveryResponse>> {
    return present(await this.deliveries.get(id));
  }

  @Post(':delivery_id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retry a failed email delivery (gateway extension)',
    description:
      'Queues a `failed` delivery again, due now, with the retry policy’s attempts afresh. Its magic link gets a ' +
      'new token (the failed one never reached anyone); refused when the link expired or was used meanwhile.',
    operationId: 'gateway_email_deliveries_retry',
  })
  @ApiParam(DELIVERY_ID_PARAM)
  @ApiOkResponse({ type: GetEmailDeliveryResponse })
  @ApiStytchErrors(
    'invalid_email_delivery_id',
    'email_delivery_not_found',
    'email_delivery_not_retryable',
    'email_delivery_link_unusable',
  )
  async retry(@StytchParam('delivery_id') id: string): Promise<Body<GetEmailDeliveryResponse>> {
    return present(await this.deliveries.retry(id));
  }

  @Post(':delivery_id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a queued email delivery (gateway extension)',
    description:
      'A `queued` delivery is not attempted again and its token is erased; one whose attempt is running ' +
      '(`sending`) cannot be stopped midway.',
    operationId: 'gateway_email_deliveries_cancel',
  })
  @ApiParam(DELIVERY_ID_PARAM)
  @ApiOkResponse({ type: GetEmailDeliveryResponse })
  @ApiStytchErrors('invalid_email_delivery_id', 'email_delivery_not_found', 'email_delivery_not_cancellable')
  async cancel(@StytchParam('delivery_id') id: string): Promise<Body<GetEmailDeliveryResponse>> {
    return present(await this.deliveries.cancel(id));
  }
}

function present({ delivery, attempts }: DeliveryWithAttempts): Body<GetEmailDeliveryResponse> {
  return { delivery: presentDeliveryWithAttempts(delivery, attempts) };
}
