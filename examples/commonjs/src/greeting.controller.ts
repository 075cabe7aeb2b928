import { Body, Controller, Get, Post } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';

class GreetingDto {
  @IsString()
  @MaxLength(40)
  name!: string;
}

/** A route of the host itself, under the host's pipe, guard and filter. */
@Controller('greetings')
export class GreetingController {
  @Get()
  list(): { greetings: string[] } {
    return { greetings: ['Hello'] };
  }

  @Post()
  greet(@Body() body: GreetingDto): { greeting: string } {
    return { greeting: `Hello, ${body.name}` };
  }
}
