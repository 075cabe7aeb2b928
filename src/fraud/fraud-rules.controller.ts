import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyExample } from '../http/api-body-example.decorator.js';
import { ApiStytchErrors } from '../http/api-stytch-errors.decorator.js';
import { MAGIC_LINKS_API_TAGS } from '../http/api-tags.js';
import { StytchApi } from '../http/stytch-api.decorator.js';
import { StytchBody } from '../http/stytch-body.decorator.js';
import { StytchException } from '../http/stytch.exception.js';
import { ListRulesDto } from './dto/list-rules.dto.js';
import { SetRuleDto } from './dto/set-rule.dto.js';
import { ListRulesResponse, SetRuleResponse } from './dto/fraud-rule.response.js';
import { RULE_FIELDS, RULE_TYPES, type RuleType } from './fraud-rule-types.js';
import { FraudRulesService, presentRule, type RuleChange } from './fraud-rules.service.js';
import { normaliseCidr } from './rule-matching.js';

type Body<T> = Omit<T, 'request_id' | 'status_code'>;

/** `fraud.rules.set` and `fraud.rules.list` of the official client. */
@ApiTags(MAGIC_LINKS_API_TAGS.fraud.name)
@StytchApi()
@Controller('v1/rules')
export class FraudRulesController {
  constructor(private readonly rules: FraudRulesService) {}

  @Post('set')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set a rule',
    description:
      'Sets the action lookups get (with a `RULE_MATCH` reason) for exactly one identifier: visitor_id, ' +
      'browser_id, one of the four fingerprints, a CIDR block or a country code. A rule decides over every reason; ' +
      'rules take precedence in that order, the smallest CIDR block first. `NONE` clears the rule; ' +
      '`expires_in_minutes` makes it temporary.',
  })
  @ApiBodyExample(SetRuleDto, { action: 'BLOCK', cidr_block: '203.0.113.0/24', expires_in_minutes: 60 })
  @ApiOkResponse({ type: SetRuleResponse })
  @ApiStytchErrors('bad_request')
  async set(@StytchBody() dto: SetRuleDto): Promise<Body<SetRuleResponse>> {
    const change = ruleChangeOf(dto);
    const rule = await this.rules.set(change);
    if (!rule) return { action: 'NONE', [RULE_FIELDS[change.ruleType]]: change.identifier };
    return {
      action: rule.action,
      [RULE_FIELDS[rule.ruleType]]: rule.identifier,
      ...(rule.expiresAt !== null && { expires_at: rule.expiresAt.toISOString() }),
    };
  }

  @Post('list')
  @HttpCode(200)
  @ApiOperation({
    summary: 'List rules',
    description: 'The rules that have not expired, oldest first, `limit` (default 10, at most 100) at a time.',
  })
  @ApiBodyExample(ListRulesDto, { limit: 10 })
  @ApiOkResponse({ type: ListRulesResponse })
  @ApiStytchErrors('bad_request')
  async list(@StytchBody() dto: ListRulesDto): Promise<Body<ListRulesResponse>> {
    const { rules, nextCursor } = await this.rules.list(dto.limit ?? 10, dto.cursor);
    return { rules: rules.map(presentRule), next_cursor: nextCursor };
  }
}

/** The one identifier of a set request, checked and normalised, with what to do. */
function ruleChangeOf(dto: SetRuleDto): RuleChange {
  if (dto.asn !== undefined) {
    throw new StytchException(
      'bad_request',
      'asn rules are not supported: this gateway has no ASN data. Use cidr_block for the network instead.',
    );
  }
  const given = RULE_TYPES.filter((type) => dto[RULE_FIELDS[type] as keyof SetRuleDto] !== undefined);
  if (given.length !== 1) {
    throw new StytchException(
      'bad_request',
      'Pass exactly one of visitor_id, browser_id, visitor_fingerprint, browser_fingerprint, hardware_fingerprint, ' +
        'network_fingerprint, cidr_block or country_code.',
    );
  }
  const ruleType: RuleType = given[0];
  let identifier = String(dto[RULE_FIELDS[ruleType] as keyof SetRuleDto]).trim();
  if (identifier === '') throw new StytchException('bad_request', `${RULE_FIELDS[ruleType]} must not be empty.`);
  if (ruleType === 'CIDR_BLOCK') {
    const cidr = normaliseCidr(identifier);
    if ('problem' in cidr) throw new StytchException('bad_request', cidr.problem);
    identifier = cidr.cidr;
  }
  if (ruleType === 'COUNTRY_CODE') {
    if (!/^[A-Za-z]{2}$/.test(identifier)) {
      throw new StytchException('bad_request', 'country_code must be an ISO 3166-1 alpha-2 code such as "FR".');
    }
    identifier = identifier.toUpperCase();
    if (dto.action === 'ALLOW') {
      throw new StytchException('bad_request', 'ALLOW rules cannot be set for a country_code: use BLOCK or CHALLENGE.');
    }
  }
  return {
    ruleType,
    identifier,
    action: dto.action,
    description: dto.description,
    expiresInMinutes: dto.expires_in_minutes,
  };
}
