import { HttpException } from '@nestjs/common';
import { STYTCH_ERRORS, StytchErrorType } from './stytch-errors.js';

/** A request-time failure that the exception filter writes as Stytch's error envelope. */
export class StytchException extends HttpException {
  constructor(
    readonly errorType: StytchErrorType,
    errorMessage: string = STYTCH_ERRORS[errorType][1],
  ) {
    super(errorMessage, STYTCH_ERRORS[errorType][0]);
  }
}
