import {
  getMetadataStorage,
  ValidationTypes,
  type MetadataStorage,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

interface Check {
  metadata: ValidationMetadata;
  constraints: ValidatorConstraintInterface[];
}

interface PropertyPlan {
  name: string;
  conditions: ((object: unknown, value: unknown) => boolean)[];
  /** `IsDefined`'s checks, which the executor runs before the others. */
  definedChecks: Check[];
  checks: Check[];
  nested: boolean;
}

/** A class's validation, read once from class-validator's metadata: `undefined` when it has none. */
type ClassPlan = { allowed: Set<string>; properties: PropertyPlan[] } | undefined;

const plans = new Map<object['constructor'], ClassPlan>();

/** The metadata types the plan follows; a class using another (promise validation) is refused when first read. */
const KNOWN_TYPES = new Set<string>([
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.WHITELIST,
]);

/**
 * Whether `validateSync(instance, STYTCH_VALIDATOR_OPTIONS)` would find no error, deleting the properties without
 * metadata as its whitelist does. It follows class-validator's executor step by step (conditions, `IsDefined`,
 * constraints with `each`, nested objects and arrays), but reads each class's metadata and constraint instances once
 * instead of on every call: the executor's filtering and bookkeeping were most of a request's validation. It only
 * decides validity; a failure is described by class-validator itself, so every error message stays its own.
 */
export function passesValidation(instance: object): boolean {
  const plan = planOf(instance.constructor);
  if (!plan) return false; // forbidUnknownValues: an object whose class has no metadata
  for (const key of Object.keys(instance)) {
    if (!plan.allowed.has(key)) delete (instance as Record<string, unknown>)[key];
  }
  for (const property of plan.properties) {
    if (!propertyPasses(instance, (instance as Record<string, unknown>)[property.name], property)) return false;
  }
  return true;
}

function propertyPasses(object: object, value: unknown, property: PropertyPlan): boolean {
  // Every condition runs, as class-validator's map-then-reduce does.
  let applies = true;
  for (const condition of property.conditions) applies = condition(object, value) && applies;
  if (!applies) return true;
  for (const checks of [property.definedChecks, property.checks]) {
    if (!checks.every((check) => checkPasses(object, value, property.name, check))) return false;
  }
  return !property.nested || value === undefined || nestedPasses(value);
}

/** A nested value: an object valid as its own class, or a collection of such (only nesting applies to its items). */
function nestedPasses(value: unknown): boolean {
  const items = itemsOf(value);
  if (items) return items.every((item) => item === undefined || nestedPasses(item));
  return value instanceof Object && passesValidation(value);
}

/** The items class-validator validates one by one: an array's, a Set's, or a Map's values; else undefined. */
function itemsOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof Set || value instanceof Map) return [...value.values()];
  return undefined;
}

function checkPasses(object: object, value: unknown, property: string, { metadata, constraints }: Check): boolean {
  if (metadata.validateIf && !metadata.validateIf(object, value)) return true;
  const args: ValidationArguments = {
    targetName: object.constructor?.name,
    property,
    object,
    value,
    constraints: metadata.constraints,
  };
  const items = metadata.each ? itemsOf(value) : undefined;
  return constraints.every((constraint) =>
    items ? items.every((item) => constraint.validate(item, args)) : constraint.validate(value, args),
  );
}

/** A class's validation metadata, its ancestors' included, as `validateSync` reads it without groups. */
export function validationMetadatasOf(target: object['constructor']): ValidationMetadata[] {
  return getMetadataStorage().getTargetValidationMetadatas(target, '', false, false, undefined);
}

function planOf(target: object['constructor']): ClassPlan {
  if (plans.has(target)) return plans.get(target);
  const storage = getMetadataStorage();
  const metadatas = validationMetadatasOf(target);
  let plan: ClassPlan;
  if (metadatas.length > 0) {
    const grouped = storage.groupByPropertyName(metadatas);
    plan = {
      allowed: new Set(Object.keys(grouped).filter((name) => grouped[name].length > 0)),
      properties: Object.entries(grouped).map(([name, list]) => propertyPlan(storage, name, list)),
    };
  }
  plans.set(target, plan);
  return plan;
}

function propertyPlan(storage: MetadataStorage, name: string, metadatas: ValidationMetadata[]): PropertyPlan {
  const of = (type: string) => metadatas.filter((metadata) => metadata.type === type);
  for (const metadata of metadatas) {
    if (!KNOWN_TYPES.has(metadata.type)) {
      throw new Error(`${where(metadata)}: ${metadata.type} validation is not supported here.`);
    }
  }
  const checks = (type: string) =>
    of(type).map((metadata) => {
      const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
      if (constraints.some((constraint) => constraint.async)) {
        throw new Error(`${where(metadata)}: asynchronous constraints cannot run in validateSync.`);
      }
      return { metadata, constraints: constraints.map((constraint) => constraint.instance) };
    });
  return {
    name,
    conditions: of(ValidationTypes.CONDITIONAL_VALIDATION).map(
      (metadata) => metadata.constraints[0] as PropertyPlan['conditions'][number],
    ),
    definedChecks: checks(ValidationTypes.IS_DEFINED),
    checks: checks(ValidationTypes.CUSTOM_VALIDATION),
    nested: of(ValidationTypes.NESTED_VALIDATION).length > 0,
  };
}

function where({ target, propertyName }: ValidationMetadata): string {
  return `${typeof target === 'function' ? target.name : target}.${propertyName}`;
}
