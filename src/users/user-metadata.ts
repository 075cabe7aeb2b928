import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { stytchError } from '../http/stytch-validation.js';
import { StytchException } from '../http/stytch.exception.js';

/** A user's `trusted_metadata` or `untrusted_metadata`: arbitrary JSON under string keys. */
export type Metadata = Record<string, unknown>;

/** Stytch's metadata restrictions: at most 20 top-level keys and 4 KB as JSON, for each of the two objects. */
export const METADATA_MAX_KEYS = 20;
export const METADATA_MAX_BYTES = 4096;

export type MetadataProblem = 'metadata_too_many_keys' | 'metadata_too_large';

/**
 * Stytch's update semantics: the patch is merged at the top level only. A key set to `null` is deleted; any other
 * value replaces the key's whole value, nested objects and arrays included. Neither argument is modified.
 */
export function mergeMetadata(current: Metadata | null, patch: Metadata): Metadata {
  const merged: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Which restriction `metadata` breaks, with a message that says by how much; undefined when it fits. */
export function metadataProblem(
  field: string,
  metadata: Metadata,
): { type: MetadataProblem; message: string } | undefined {
  const keys = Object.keys(metadata).length;
  if (keys > METADATA_MAX_KEYS) {
    return {
      type: 'metadata_too_many_keys',
      message: `${field} would have ${keys} top-level keys: at most ${METADATA_MAX_KEYS} are allowed. Nest related values under one key, or delete keys by setting them to null.`,
    };
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata), 'utf8');
  if (bytes > METADATA_MAX_BYTES) {
    return {
      type: 'metadata_too_large',
      message: `${field} would be ${bytes} bytes as JSON: at most ${METADATA_MAX_BYTES} are allowed. Keep large data in your own database and store a reference here.`,
    };
  }
  return undefined;
}

/** Throws the Stytch error for the first restriction `metadata` breaks. */
export function checkMetadata(field: string, metadata: Metadata): void {
  const problem = metadataProblem(field, metadata);
  if (problem) throw new StytchException(problem.type, problem.message);
}

function isMetadata(value: unknown): value is Metadata {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A metadata field of a request: a JSON object (`metadata_invalid_format`) within Stytch's restrictions
 * (`metadata_too_many_keys`, `metadata_too_large`). With `patch`, the field is an update to merge, whose result is
 * checked once merged (`checkMetadata`): only its format is checked here.
 */
export function IsMetadata(options: { patch?: boolean } = {}): PropertyDecorator {
  return (target, propertyName) => {
    const field = String(propertyName);
    const register = (name: string, validate: (value: unknown) => boolean, error: ValidationOptions) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: field,
        options: error,
        validator: { validate },
      });
    register(
      'isMetadata',
      isMetadata,
      stytchError('metadata_invalid_format', `${field} must be a JSON object, such as {"plan": "pro"}.`),
    );
    if (options.patch) return;
    for (const type of ['metadata_too_many_keys', 'metadata_too_large'] as const) {
      register(type, (value) => !isMetadata(value) || metadataProblem(field, value)?.type !== type, {
        ...stytchError(type),
        message: (args: ValidationArguments) => metadataProblem(field, args.value as Metadata)!.message,
      });
    }
  };
}
