import type { Type } from '@nestjs/common';
import { plainToInstance, TransformationType } from 'class-transformer';
// class-transformer exports its metadata only from here; @nestjs/mapped-types reads it the same way.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { validationMetadatasOf } from './compiled-validation.js';

/**
 * For a class built without class-transformer's generic walk: the nested DTO class of each `@Type` property. Only
 * for classes whose transformation is that and nothing else (no `@Expose`, `@Exclude`, `@Transform`, no type that
 * depends on the value); the others go through `plainToInstance`.
 */
type InstancePlan = Map<string, Type<object>> | undefined;

const plans = new Map<Type<object>, InstancePlan>();

/** Types class-transformer converts values to rather than instantiating from an object. */
const VALUE_TYPES = new Set<unknown>([String, Number, Boolean, Date, Buffer, Map, Set, Object, Array]);

/**
 * `plainToInstance(dto, plain)` for parsed JSON, with each class's metadata read once: class-transformer looks up
 * every key's expose, exclude, type and transform metadata, through the class's ancestors, on every call, which
 * cost more than validating. The result is the same, property for property (the unit spec holds it to that on
 * every request DTO): methods and getters are never overwritten, `@Type` properties become instances, and other
 * objects and arrays are copied by class-transformer itself.
 */
export function toDtoInstance<T extends object>(dto: Type<T>, plain: object): T {
  const plan = planOf(dto);
  if (!plan) return plainToInstance(dto, plain);
  const instance = new dto() as Record<string, unknown>;
  const prototype = dto.prototype as object;
  for (const [key, value] of Object.entries(plain)) {
    if (key === '__proto__' || key === 'constructor') continue;
    const accessor = Object.getOwnPropertyDescriptor(prototype, key);
    if ((accessor && !accessor.set) || instance[key] instanceof Function) continue;
    const nested = plan.get(key);
    instance[key] = nested ? typed(nested, value) : copied(value);
  }
  return instance as T;
}

function typed(dto: Type<object>, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => typed(dto, item));
  return typeof value === 'object' && value !== null ? toDtoInstance(dto, value) : value;
}

function copied(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? plainToInstance(Object, value) : value;
}

function planOf(dto: Type<object>): InstancePlan {
  if (plans.has(dto)) return plans.get(dto);
  const plan = readPlan(dto);
  plans.set(dto, plan);
  return plan;
}

function readPlan(dto: Type<object>): InstancePlan {
  if (defaultMetadataStorage.getExposedMetadatas(dto).length > 0) return undefined;
  if (defaultMetadataStorage.getExcludedMetadatas(dto).length > 0) return undefined;
  const properties = new Set(validationMetadatasOf(dto).map((metadata) => metadata.propertyName));
  const plan = new Map<string, Type<object>>();
  for (const property of properties) {
    if (defaultMetadataStorage.findTransformMetadatas(dto, property, TransformationType.PLAIN_TO_CLASS).length > 0) {
      return undefined;
    }
    const type = defaultMetadataStorage.findTypeMetadata(dto, property);
    if (!type) continue;
    // A type function that reads its argument may pick a class per value.
    if (type.options?.discriminator || !type.typeFunction || type.typeFunction.length > 0) return undefined;
    if (type.reflectedType === Map || type.reflectedType === Set) return undefined;
    const nested = type.typeFunction() as Type<object>;
    if (VALUE_TYPES.has(nested)) return undefined;
    plan.set(property, nested);
  }
  return plan;
}
