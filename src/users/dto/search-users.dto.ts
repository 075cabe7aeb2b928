import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { stytchError } from '../../http/stytch-validation.js';
import { MAX_SEARCH_OPERANDS, SUPPORTED_FILTERS } from '../users-search.filters.js';

export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 1000;

export class SearchUsersQueryDto {
  @ApiProperty({
    enum: ['AND', 'OR'],
    description: '`AND`: every operand must match. `OR`: any operand may match.',
    example: 'AND',
  })
  @IsString(stytchError('invalid_search_query', 'query.operator must be "AND" or "OR".'))
  operator!: string;

  @ApiPropertyOptional({
    description:
      `Filters, each \`{ filter_name, filter_value }\`, at most ${MAX_SEARCH_OPERANDS}. Supported filter_names: ` +
      `${SUPPORTED_FILTERS.join(', ')}. Omitted or empty: every user.`,
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [
      { filter_name: 'email_domain', filter_value: 'example.com' },
      { filter_name: 'email_verified', filter_value: true },
    ],
  })
  @IsOptional()
  @IsArray(stytchError('invalid_search_query', 'query.operands must be an array of { filter_name, filter_value }.'))
  operands?: unknown[];
}

export class SearchUsersDto {
  @ApiPropertyOptional({
    description:
      'The `results_metadata.next_cursor` of the previous page, sent with the same query. Omit it for the first page.',
    example:
      'eyJ2IjoxLCJjIjoiMjAyNi0xMS0yMlQwOToxNTowMC4wMDBaIiwidSI6InVzZXItdGVzdC0xNmQ5YmE2MS05N2ExLTRiYTQtOTcyMC1iMDM3NjFkYzUwYzYiLCJ0Ijo0MiwicSI6IlZ1RkU0Q2lLb0VxMkRySFcifQ',
    maxLength: 1024,
  })
  @IsOptional()
  @IsString(stytchError('invalid_cursor', 'cursor must be the string returned as results_metadata.next_cursor.'))
  @MaxLength(1024, stytchError('invalid_cursor', 'cursor is too long: pass results_metadata.next_cursor unchanged.'))
  cursor?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: `Users per page, at most ${MAX_SEARCH_LIMIT}. Omitted or 0: ${DEFAULT_SEARCH_LIMIT}.`,
    minimum: 0,
    maximum: MAX_SEARCH_LIMIT,
    default: DEFAULT_SEARCH_LIMIT,
    example: 100,
  })
  @IsOptional()
  @IsInt(stytchError('invalid_limit', `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}.`))
  @Min(0, stytchError('invalid_limit', `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}.`))
  @Max(MAX_SEARCH_LIMIT, stytchError('invalid_limit', `limit must be at most ${MAX_SEARCH_LIMIT}: page with cursor.`))
  limit?: number;

  @ApiPropertyOptional({ type: SearchUsersQueryDto, description: 'Omitted: every user.' })
  @IsOptional()
  @IsObject(stytchError('invalid_search_query', 'query must be an object with operator and operands.'))
  @ValidateNested()
  @Type(() => SearchUsersQueryDto)
  query?: SearchUsersQueryDto;
}
