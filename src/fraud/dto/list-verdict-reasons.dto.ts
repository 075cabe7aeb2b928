import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** `POST /v1/verdict_reasons/list`. */
export class ListVerdictReasonsDto {
  @ApiPropertyOptional({ description: 'Only the reasons that have an override.', example: false })
  @IsOptional()
  @IsBoolean({ message: 'overrides_only must be true or false.' })
  overrides_only?: boolean;
}
