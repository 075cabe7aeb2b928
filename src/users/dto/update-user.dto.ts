import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsMetadata, type Metadata } from '../user-metadata.js';
import { CreateUserDto } from './create-user.dto.js';

const MERGE =
  'Merged into the stored object at the top level: a key set to null is deleted, any other value replaces the ' +
  "key's whole value. The result may hold at most 20 top-level keys and 4 KB as JSON.";

/**
 * `PUT /v1/users/{user_id}`: every field is optional and only the fields given change. `name` keeps the parts it
 * does not name; `external_id` and `roles` are replaced; `attributes` is accepted and not stored, as on create.
 */
export class UpdateUserDto extends PickType(CreateUserDto, ['name', 'attributes', 'external_id', 'roles'] as const) {
  @ApiPropertyOptional({
    description: `Arbitrary JSON set by your backend only. ${MERGE}`,
    example: { plan: 'enterprise', trial_ends_at: null },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsMetadata({ patch: true })
  trusted_metadata?: Metadata;

  @ApiPropertyOptional({
    description: `Arbitrary JSON the end user may also set. ${MERGE}`,
    example: { theme: 'light' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsMetadata({ patch: true })
  untrusted_metadata?: Metadata;
}
