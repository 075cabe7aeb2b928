import type { Type } from '@nestjs/common';

/** The declared class of a decorated parameter, from the `design:paramtypes` TypeScript emits. */
export function dtoTypeOf(target: object, key: string | symbol | undefined, index: number): Type<object> {
  const types = key === undefined ? undefined : (Reflect.getMetadata('design:paramtypes', target, key) as unknown);
  const type = Array.isArray(types) ? (types[index] as unknown) : undefined;
  if (typeof type !== 'function' || type === Object) {
    throw new Error(`${String(key)}: the parameter must be typed with a DTO class for its input to be validated.`);
  }
  return type as Type<object>;
}
