import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `POST /v1/rules/list`. */
export class ListRulesDto {
  @ApiPropertyOptional({ description: 'The next_cursor of the previous page.' })
  @IsOptional()
  @IsString({ message: 'cursor must be the next_cursor of a previous page.' })
  @MaxLength(128, { message: 'cursor must be the next_cursor of a previous page.' })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Rules per page, 1 to 100 (default 10).', example: 10 })
  @IsOptional()
  @IsInt({ message: 'limit must be a whole number from 1 to 100.' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100.' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100.' })
  limit?: number;
}
