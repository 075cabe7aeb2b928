import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Stytch's `attributes`: the end user's device, passed by the app for fraud checks and attribute matching. */
export class AttributesDto {
  @ApiPropertyOptional({ description: 'The IP address of the user.', example: '203.0.113.7', maxLength: 64 })
  @IsOptional()
  @IsString({ message: 'attributes.ip_address must be a string.' })
  @MaxLength(64, { message: 'attributes.ip_address must be at most 64 characters.' })
  ip_address?: string;

  @ApiPropertyOptional({
    description: 'The user agent of the user.',
    example:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    maxLength: 1024,
  })
  @IsOptional()
  @IsString({ message: 'attributes.user_agent must be a string.' })
  @MaxLength(1024, { message: 'attributes.user_agent must be at most 1024 characters.' })
  user_agent?: string;
}
