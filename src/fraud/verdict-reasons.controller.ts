import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { StytchException } from '../http/stytch.exception.js';
import { ListVerdictReasonsDto } from './dto/list-verdict-reasons.dto.js';
import { OverrideVerdictReasonDto } from './dto/override-verdict-reason.dto.js';
import { ListVerdictReasonsResponse, OverrideVerdictReasonResponse } from './dto/verdict-reason.response.js';
import { isVerdictReason, VERDICT_REASONS } from './verdict-reasons.js';
import { VerdictReasonsService } from './verdict-reasons.service.js';

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

/** `fraud.verdictReasons.override` and `fraud.verdictReasons.list` of the official client. */
@ApiTags(MAGIC_LINKS_API_TAGS.fraud.name)
@StytchApi()
@Controller('v1/verdict_reasons')
export class VerdictReasonsController {
  constructor(private readonly reasons: VerdictReasonsService) {}

  @Post('override')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Override a verdict reason',
    description:
      'Sets the action a verdict reason gives in lookups from now on, in place of its default; `NONE` restores the ' +
      'default. `RULE_MATCH` cannot be overridden: change the rule.',
  })
  @ApiBodyExample(OverrideVerdictReasonDto, { verdict_reason: 'VIRTUAL_MACHINE', override_action: 'ALLOW' })
  @ApiOkResponse({ type: OverrideVerdictReasonResponse })
  @ApiStytchErrors('bad_request')
  async override(@StytchBody() dto: OverrideVerdictReasonDto): Promise<Body<OverrideVerdictReasonResponse>> {
    if (!isVerdictReason(dto.verdict_reason)) {
      throw new StytchException(
        'bad_request',
        `verdict_reason "${dto.verdict_reason.slice(0, 64)}" cannot be overridden: use one of ${VERDICT_REASONS.join(', ')}.`,
      );
    }
    return {
      verdict_reason_action: await this.reasons.override(
        dto.verdict_reason,
        dto.override_action,
        dto.override_description,
      ),
    };
  }

  @Post('list')
  @HttpCode(200)
  @ApiOperation({
    summary: 'List verdict reasons',
    description: 'Every verdict reason that can be overridden, with its default action and its override, if any.',
  })
  @ApiBodyExample(ListVerdictReasonsDto, {})
  @ApiOkResponse({ type: ListVerdictReasonsResponse })
  @ApiStytchErrors('bad_request')
  async list(@StytchBody() dto: ListVerdictReasonsDto): Promise<Body<ListVerdictReasonsResponse>> {
    return { verdict_reason_actions: await this.reasons.list(dto.overrides_only ?? false) };
  }
}
