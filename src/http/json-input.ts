import { StytchException } from './stytch.exception.js';

/**
 * How deep objects and arrays may nest in a request, counting the body itself as level 1. Stytch's bodies nest 3
 * levels; the rest is room for metadata and custom claims. class-transformer recurses once per level, so without a
 * bound a body of 30,000 `[` overflows the stack (a 500) after blocking the event loop.
 */
export const MAX_JSON_DEPTH = 32;

/** Keys that would reach an object's prototype when class-transformer assigns them. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * Readies parsed JSON (a body or a query object) for class-transformer, in place and without recursion, so that
 * no nesting depth can overflow the stack here: refuses nesting deeper than `MAX_JSON_DEPTH`, and drops the
 * prototype keys, which are unknown fields like any other (as Nest's ValidationPipe does).
 */
export function prepareJsonInput(value: unknown): void {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new StytchException(
        'bad_request',
        `The request nests objects and arrays too deeply: at most ${MAX_JSON_DEPTH} levels are accepted.`,
      );
    }
    if (!Array.isArray(current)) {
      for (const key of PROTOTYPE_KEYS) {
        if (Object.hasOwn(current, key)) delete (current as Record<string, unknown>)[key];
      }
    }
    // Object.values skips the holes of a sparse array, whatever its length says.
    for (const item of Object.values(current)) pending.push([item, depth + 1]);
  }
}
