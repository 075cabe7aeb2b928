import { ApiProperty } from '@nestjs/swagger';

/** The two fields every Stytch success body carries. */
export class StytchResponseDto {
  @ApiProperty({
    description:
      'Globally unique UUID that is returned with every API call. This value is important to log for debugging ' +
      'purposes; the gateway logs every request under it.',
    example: 'request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141',
  })
  request_id!: string;

  @ApiProperty({
    type: 'integer',
    format: 'int32',
    description:
      'The HTTP status code of the response. 2XX values equate to success, 4XX are client errors, and 5XX are ' +
      'server errors.',
    example: 200,
  })
  status_code!: number;
}

/** Stytch's error envelope: these five fields and nothing else. */
export class StytchErrorDto {
  @ApiProperty({ type: 'integer', format: 'int32', description: 'The HTTP status code, repeated.', example: 401 })
  status_code!: number;

  @ApiProperty({
    description: 'The id of this API call, as logged by the gateway.',
    example: 'request-id-test-b05c992f-ebdc-489d-a754-c7e70ba13141',
  })
  request_id!: string;

  @ApiProperty({ description: 'The name of the error and its type.', example: 'unauthorized_credentials' })
  error_type!: string;

  @ApiProperty({ description: 'What went wrong and how to fix it.', example: 'Unauthorized credentials.' })
  error_message!: string;

  @ApiProperty({
    description: "Stytch's documentation of this error.",
    example: 'https://stytch.com/docs/api/errors/401#unauthorized_credentials',
  })
  error_url!: string;
}
