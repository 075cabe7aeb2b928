import type { Type } from '@nestjs/common';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { passesValidation } from './compiled-validation.js';
import { toDtoInstance } from './dto-instance.js';
import { prepareJsonInput } from './json-input.js';
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
 * How class-validator reads a request: unknown fields are dropped, an object without metadata is refused, and each
 * field stops at its first failing constraint.
 */
export const STYTCH_VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
};

/** Where a request's input comes from: its JSON body or its query string. */
export type StytchInputSource = 'body' | 'query';

/**
 * Turns a request's body or query into a validated instance of `dto`, with Stytch's errors, synchronously (it runs
 * in a parameter decorator, before any pipe, so a host's global pipes cannot change what it answers):
 * - a body must be a JSON object, nested at most `MAX_JSON_DEPTH` levels;
 * - `null` in a field means the field is absent, as Stytch reads it (a required field is then missing);
 * - values are never coerced, and unknown fields (prototype keys included) are dropped;
 * - the first failing constraint is the answer, typed by its `context.errorType` (else `bad_request`).
 *
 * Valid input is recognised by `passesValidation`; class-validator's own executor runs only to describe a failure.
 */
export function validateStytchInput<T extends object>(dto: Type<T>, value: unknown, source: StytchInputSource): T {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  // Stytch's bodies are objects; an array or a bare value would otherwise be reported as its first missing field.
  if (!isObject && source === 'body') {
    throw new StytchException('bad_request', 'The request body must be a JSON object.');
  }
  const input: object = isObject ? value : {};
  prepareJsonInput(input);
  const instance = toDtoInstance(dto, input);
  dropNullFields(instance);
  if (passesValidation(instance)) return instance;
  const errors = validateSync(instance, STYTCH_VALIDATOR_OPTIONS);
  if (errors.length > 0) throw toStytchException(errors);
  return instance;
}

/**
 * Deletes the fields set to `null` of the DTO and of its nested DTOs (class instances, as `@Type` builds them).
 * Free-form JSON (metadata, custom claims) is a plain object and keeps its nulls: there they are data.
 */
function dropNullFields(instance: object): void {
  const pending: object[] = [instance];
  while (pending.length > 0) {
    const current = pending.pop() as Record<string, unknown>;
    for (const [key, item] of Object.entries(current)) {
      if (item === null) delete current[key];
      for (const nested of Array.isArray(item) ? item : [item]) {
        if (isDtoInstance(nested)) pending.push(nested);
      }
    }
  }
}

function isDtoInstance(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype !== null && prototype !== Object.prototype;
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
