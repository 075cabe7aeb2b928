import { ApiProperty } from '@nestjs/swagger';

/** The two fields every Stytch success body carries. */
export abstract class StytchResponseDto {
  @ApiProperty({
    description: 'Globally unique id of this API call; log it to trace a request.',
    example: 'request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141',
  })
  request_id!: string;

  @ApiProperty({ description: 'The HTTP status code of the response, repeated.', example: 200 })
  status_code!: number;
}

/** Stytch's error envelope: these five fields and nothing else. */
export class StytchErrorDto {
  @ApiProperty({ example: 401 })
  status_code!: number;

  @ApiProperty({ example: 'request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141' })
  request_id!: string;

  @ApiProperty({ description: 'The name of the error and its type.', example: 'unauthorized_credentials' })
  error_type!: string;

  @ApiProperty({ description: 'What went wrong and how to fix it.', example: 'Unauthorized credentials.' })
  error_message!: string;

  @ApiProperty({ example: 'https://stytch.com/docs/api/errors/401#unauthorized_credentials' })
  error_url!: string;
}
