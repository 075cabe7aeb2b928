import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Which events to list: those of every link sent to one email, or of one link. Exactly one of the two. */
export class ListMagicLinkEventsDto {
  @ApiPropertyOptional({
    description: 'The email the links were sent to, as returned by the send endpoints.',
    example: 'email-test-81bf03a8-86e1-4d95-bd44-bb3495224953',
  })
  @IsOptional()
  @IsString({ message: 'email_id must be a string.' })
  @Matches(new RegExp(`^email-(test|live)-${UUID}$`), {
    message: 'email_id format is invalid: pass an email_id such as email-test-….',
  })
  email_id?: string;

  @ApiPropertyOptional({
    // No example: "Try it out" prefills every example, and email_id and magic_link_id are exclusive.
    description: 'One link, as named by `magic_link_id` in earlier events (`magic-link-test-…`).',
  })
  @IsOptional()
  @IsString({ message: 'magic_link_id must be a string.' })
  @Matches(new RegExp(`^magic-link-(test|live)-${UUID}$`), {
    message: 'magic_link_id format is invalid: pass a magic_link_id such as magic-link-test-….',
  })
  magic_link_id?: string;
}
