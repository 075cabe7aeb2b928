import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StytchResponseDto } from '../../http/stytch-response.dto.js';
import { UserResponse } from './user.response.js';

export class UsersResultsMetadata {
  @ApiProperty({
    type: 'integer',
    description:
      'How many users match, as counted when the first page was read: exact up to 10,000 matches or without ' +
      'filters, else -1 (as Stytch answers when totals are disabled).',
    example: 42,
  })
  total!: number;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    description: 'Pass it as `cursor` (with the same query) for the next page; null on the last page.',
    example: null,
  })
  next_cursor!: string | null;
}

export class SearchUsersResponse extends StytchResponseDto {
  @ApiProperty({ type: [UserResponse], description: 'Matching users, oldest first (by created_at, then user_id).' })
  results!: UserResponse[];

  @ApiProperty({ type: UsersResultsMetadata })
  results_metadata!: UsersResultsMetadata;
}
