import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { STYTCH_ERRORS, StytchErrorType } from './stytch-errors.js';
import { StytchException } from './stytch.exception.js';

/** Context a DTO constraint carries to name the Stytch `error_type` its failure maps to. */
export interface StytchConstraintContext {
  errorType: StytchErrorType;
}

/** Shorthand for a constraint's options: the Stytch error it maps to and, optionally, a more precise message. */
export function stytchError(errorType: StytchErrorType, message?: string) {
  return { context: { errorType } satisfies StytchConstraintContext, message: message ?? STYTCH_ERRORS[errorType][1] };
}

/**
 * class-validator with Stytch's errors: values are never coerced, unknown fields are dropped, and the first
 * failing constraint becomes the answer, typed by its `context.errorType` (else `bad_request`).
 */
@Injectable()
export class StytchValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidUnknownValues: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      stopAtFirstError: true,
      exceptionFactory: (errors) => toStytchException(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Stytch's bodies are objects; an array or a bare value would otherwise be reported as its first missing field.
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new StytchException('bad_request', 'The request body must be a JSON object.');
    }
    return super.transform(value, metadata);
  }
}

function toStytchException(errors: ValidationError[]): StytchException {
  const error = firstLeaf(errors);
  if (!error?.constraints || !error.property) {
    return new StytchException('bad_request', 'The request body must be a JSON object.');
  }
  const [name, message] = Object.entries(error.constraints)[0];
  const context = error.contexts?.[name] as StytchConstraintContext | undefined;
  if (context) return new StytchException(context.errorType, message);
  return new StytchException('bad_request', message);
}

function firstLeaf(errors: ValidationError[]): ValidationError | undefined {
  const [first] = errors;
  if (!first) return undefined;
  if (first.constraints && Object.keys(first.constraints).length > 0) return first;
  return firstLeaf(first.children ?? []) ?? first;
}
