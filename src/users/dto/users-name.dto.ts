import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class UsersNameDto {
  @ApiPropertyOptional({ description: 'The first name of the user.', example: 'Ada', maxLength: 256 })
  @IsOptional()
  @IsString({ message: 'name.first_name must be a string.' })
  @MaxLength(256, { message: 'name.first_name must be at most 256 characters.' })
  first_name?: string;

  @ApiPropertyOptional({ description: 'The middle name of the user.', example: 'King', maxLength: 256 })
  @IsOptional()
  @IsString({ message: 'name.middle_name must be a string.' })
  @MaxLength(256, { message: 'name.middle_name must be at most 256 characters.' })
  middle_name?: string;

  @ApiPropertyOptional({ description: 'The last name of the user.', example: 'Lovelace', maxLength: 256 })
  @IsOptional()
  @IsString({ message: 'name.last_name must be a string.' })
  @MaxLength(256, { message: 'name.last_name must be at most 256 characters.' })
  last_name?: string;
}
