import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NO_CONTROL_CHARACTERS } from './set-rule.dto.js';

/** `POST /v1/verdict_reasons/override`. */
export class OverrideVerdictReasonDto {
  @ApiProperty({
    description: 'The reason to override, as `verdictReasons.list` names it (not `RULE_MATCH`).',
    example: 'VIRTUAL_MACHINE',
  })
  @IsString({ message: 'verdict_reason is required: pass a reason from verdict_reasons/list.' })
  @IsNotEmpty({ message: 'verdict_reason is required: pass a reason from verdict_reasons/list.' })
  @MaxLength(64, { message: 'verdict_reason must be a reason from verdict_reasons/list.' })
  verdict_reason!: string;

  @ApiProperty({
    enum: ['ALLOW', 'CHALLENGE', 'BLOCK', 'NONE'],
    description: 'The action the reason gets from now on; `NONE` removes the override.',
    example: 'ALLOW',
  })
  @IsIn(['ALLOW', 'CHALLENGE', 'BLOCK', 'NONE'], {
    message: 'override_action must be one of ALLOW, CHALLENGE, BLOCK or NONE.',
  })
  override_action!: 'ALLOW' | 'CHALLENGE' | 'BLOCK' | 'NONE';

  @ApiPropertyOptional({ description: 'Why, for whoever reads it later.', maxLength: 512 })
  @IsOptional()
  @IsString({ message: 'override_description must be a string.' })
  @MaxLength(512, { message: 'override_description must be at most 512 characters.' })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'override_description must not contain control characters.' })
  override_description?: string;
}
