import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';
import { RULE_TYPES } from '../fraud-rule-types.js';

class RuleIdentifiers {
  @ApiPropertyOptional({ example: 'visitor-6139cbcc-4dda-4b1f-b1c0-13c08ec64d72' })
  visitor_id?: string;

  @ApiPropertyOptional()
  browser_id?: string;

  @ApiPropertyOptional()
  visitor_fingerprint?: string;

  @ApiPropertyOptional()
  browser_fingerprint?: string;

  @ApiPropertyOptional()
  hardware_fingerprint?: string;

  @ApiPropertyOptional()
  network_fingerprint?: string;

  @ApiPropertyOptional({ example: '203.0.113.0/24' })
  cidr_block?: string;

  @ApiPropertyOptional({ example: 'AQ' })
  country_code?: string;

  @ApiPropertyOptional({ description: 'When the rule expires (RFC 3339, UTC); absent for a permanent rule.' })
  expires_at?: string;
}

/** Stytch's `Rule`. */
export class FraudRuleResponse extends RuleIdentifiers {
  @ApiProperty({ enum: RULE_TYPES, example: 'VISITOR_ID' })
  rule_type!: string;

  @ApiProperty({ enum: ['ALLOW', 'CHALLENGE', 'BLOCK'], example: 'BLOCK' })
  action!: string;

  @ApiProperty({ example: '2026-11-30T07:15:00.000Z' })
  created_at!: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional({ description: 'Absent until the rule is set again.' })
  last_updated_at?: string;
}

/** `rules.set`'s answer: the action and the identifier it was set for, in the envelope. */
export class SetRuleResponse extends IntersectionType(StytchResponseDto, RuleIdentifiers) {
  @ApiProperty({ enum: ['ALLOW', 'CHALLENGE', 'BLOCK', 'NONE'], example: 'BLOCK' })
  action!: string;
}

export class ListRulesResponse extends StytchResponseDto {
  @ApiProperty({ type: [FraudRuleResponse] })
  rules!: FraudRuleResponse[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last.',
    example: null,
  })
  next_cursor!: string | null;
}
