import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';
import { VERDICT_ACTIONS, VERDICT_REASONS } from '../verdict-reasons.js';

/** Stytch's `VerdictReasonAction`. */
export class VerdictReasonActionResponse {
  @ApiProperty({ enum: VERDICT_REASONS, example: 'VIRTUAL_MACHINE' })
  verdict_reason!: string;

  @ApiProperty({ enum: VERDICT_ACTIONS, example: 'CHALLENGE' })
  default_action!: string;

  @ApiPropertyOptional({ enum: VERDICT_ACTIONS, example: 'ALLOW' })
  override_action?: string;

  @ApiPropertyOptional({ example: '2026-11-30T07:15:00.000Z' })
  override_created_at?: string;

  @ApiPropertyOptional({ example: 'Our staff use virtual desktops.' })
  override_description?: string;
}

export class OverrideVerdictReasonResponse extends StytchResponseDto {
  @ApiProperty({ type: VerdictReasonActionResponse })
  verdict_reason_action!: VerdictReasonActionResponse;
}

export class ListVerdictReasonsResponse extends StytchResponseDto {
  @ApiProperty({ type: [VerdictReasonActionResponse] })
  verdict_reason_actions!: VerdictReasonActionResponse[];
}
