import 'reflect-metadata';
import { Type as TransformTo, plainToInstance } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
  validateSync,
} from 'class-validator';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { passesValidation, validationMetadatasOf } from './compiled-validation.js';
import { toDtoInstance } from './dto-instance.js';
import { prepareJsonInput } from './json-input.js';
import { STYTCH_VALIDATOR_OPTIONS } from './stytch-validation.js';

type Dto = new () => object;

const SRC = dirname(dirname(fileURLToPath(import.meta.url)));

/** Every class of the module's request DTOs (the files under a `dto/` folder, and `*.dto.ts`) with validation. */
async function moduleDtos(): Promise<Dto[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (file) => /(^|\/)dto\/[^/]+\.ts$|\.dto\.ts$/.test(file) && !file.endsWith('.spec.ts'),
  );
  const dtos: Dto[] = [];
  for (const file of files) {
    const exports = (await import(pathToFileURL(join(SRC, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (typeof value === 'function' && validationMetadatasOf(value).length > 0) dtos.push(value as Dto);
    }
  }
  return dtos;
}

/**
 * Inputs near each DTO's edges: its own field names (and, nested, every DTO's) with values drawn from its
 * constraints (lengths, bounds, allowed values) beside values of every JSON type, so that both verdicts come up.
 */
function inputs(dtos: Dto[]): fc.Arbitrary<unknown> {
  const names = new Set<string>(['unknown_field', 'hasOwnProperty', 'constructor']);
  const samples = new Set<unknown>([
    '',
    'a',
    'user@example.com',
    'https://example.com/authenticate',
    'user-test-16677e53-b6c2-4ff4-9b0e-8a1e6c9e9f49',
    'x'.repeat(129),
    'x'.repeat(600),
    0,
    -1,
    1.5,
    60,
    1e9,
    true,
    false,
    null,
  ]);
  for (const dto of dtos) {
    for (const metadata of validationMetadatasOf(dto)) {
      names.add(metadata.propertyName);
      for (const constraint of metadata.constraints ?? []) {
        for (const value of Array.isArray(constraint) ? constraint : [constraint]) {
          if (['string', 'number', 'boolean'].includes(typeof value)) samples.add(value);
          if (typeof value === 'number') samples.add(value + 1).add(value - 1);
        }
      }
    }
  }
  const { json } = fc.letrec((tie) => ({
    json: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(...samples),
      fc.jsonValue({ maxDepth: 1 }),
      fc.array(tie('json'), { maxLength: 3 }),
      tie('object'),
    ),
    object: fc.dictionary(fc.constantFrom(...names), tie('json'), { maxKeys: 6 }),
  }));
  return fc.dictionary(fc.constantFrom(...names), json, { maxKeys: 8 });
}

/** A request's input as validateStytchInput hands it to class-transformer: a copy, readied. */
function prepared(input: unknown): object {
  const copy = structuredClone(input) as object;
  prepareJsonInput(copy);
  return copy;
}

/** class-transformer and class-validator themselves. */
function reference(dto: Dto, input: unknown): { valid: boolean; instance: object } {
  const instance = plainToInstance(dto, prepared(input));
  return { valid: validateSync(instance, STYTCH_VALIDATOR_OPTIONS).length === 0, instance };
}

/** What validateStytchInput runs on valid input. */
function compiled(dto: Dto, input: unknown): { valid: boolean; instance: object } {
  const instance = toDtoInstance(dto, prepared(input));
  return { valid: passesValidation(instance), instance };
}

class Item {
  @IsString()
  label!: string;
}

class Holder {
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(3, { each: true })
  tags?: string[];

  @IsDefined()
  @ValidateIf((holder: Holder) => holder.tags !== undefined)
  @IsInt()
  count?: number;

  @IsOptional()
  @IsArray()
  @ValidateNested()
  @TransformTo(() => Item)
  items?: Item[];
}

describe('passesValidation and toDtoInstance', () => {
  it('build and validate as class-transformer and class-validator do, on every request DTO of the module', async () => {
    const dtos = await moduleDtos();
    expect(dtos.length).toBeGreaterThan(20);
    let valid = 0;
    fc.assert(
      fc.property(fc.constantFrom(...dtos), inputs(dtos), (dto, input) => {
        expect(toDtoInstance(dto, prepared(input))).toStrictEqual(plainToInstance(dto, prepared(input)));
        const expected = reference(dto, input);
        const actual = compiled(dto, input);
        expect(actual.valid).toBe(expected.valid);
        if (expected.valid) {
          valid++;
          expect(actual.instance).toStrictEqual(expected.instance);
        }
      }),
      { numRuns: 3000 },
    );
    // Both verdicts were exercised, not only refusals.
    expect(valid).toBeGreaterThan(100);
  });

  it("follows the executor's rules the module's DTOs use: `each`, `ValidateIf` beside `IsDefined`, nested arrays", () => {
    const cases: [unknown, boolean][] = [
      [{}, true],
      [{ tags: ['abc'] }, false],
      [{ tags: ['abc'], count: 2 }, true],
      [{ tags: ['abcd'], count: 2 }, false],
      [{ tags: 'abc', count: 2 }, true],
      [{ items: [{ label: 'a' }, { label: 'b' }] }, true],
      [{ items: [{ label: 'a' }, { label: 2 }] }, false],
      [{ items: [{ label: 'a' }, 'b'] }, false],
      [{ items: [[{ label: 'a' }], [{ label: 3 }]] }, false],
      [{ items: [{ label: 'a' }], tags: null, count: 1 }, true],
    ];
    for (const [input, valid] of cases) {
      expect({ input, valid: compiled(Holder, input).valid }).toEqual({ input, valid });
      expect({ input, valid: reference(Holder, input).valid }).toEqual({ input, valid });
    }
  });

  it('drops unknown fields, at every level it validates', () => {
    const { valid, instance } = compiled(Holder, { items: [{ label: 'a', extra: 1 }], extra: 2 });
    expect(valid).toBe(true);
    expect(instance).toEqual(plainToInstance(Holder, { items: [{ label: 'a' }] }));
  });

  it('refuses an object whose class has no validation metadata, as forbidUnknownValues does', () => {
    class Bare {}
    expect(passesValidation(new Bare())).toBe(false);
    expect(validateSync(new Bare(), STYTCH_VALIDATOR_OPTIONS)).not.toHaveLength(0);
  });
});
