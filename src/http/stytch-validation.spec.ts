import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsEmail, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MAX_JSON_DEPTH } from './json-input.js';
import { stytchError, validateStytchInput } from './stytch-validation.js';
import { StytchException } from './stytch.exception.js';

class AttributesDto {
  @IsOptional()
  @IsString()
  ip_address?: string;
}

/** The shapes of the module's DTOs: a required typed field, optional ones, a nested DTO, free-form JSON. */
class CreateUserDto {
  @IsEmail({}, stytchError('invalid_email'))
  email!: string;

  @IsOptional()
  @IsString(stytchError('invalid_user_id'))
  user_id?: string;

  @IsOptional()
  @IsString(stytchError('invalid_login_magic_link_url'))
  login_magic_link_url?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AttributesDto)
  attributes?: AttributesDto;

  @IsOptional()
  @IsObject()
  trusted_metadata?: Record<string, unknown>;
}

function failure(run: () => unknown): { errorType: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof StytchException) return { errorType: error.errorType, message: error.message };
    throw error;
  }
  throw new Error('expected a StytchException');
}

const nested = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;

describe('validateStytchInput', () => {
  it('reads null in an optional field as absent, in nested DTOs too', () => {
    const dto = validateStytchInput(
      CreateUserDto,
      { email: 'ada@example.com', user_id: null, login_magic_link_url: null, attributes: { ip_address: null } },
      'body',
    );
    expect(dto).toBeInstanceOf(CreateUserDto);
    const present = (object: object) => Object.keys(object).filter((key) => object[key as never] !== undefined);
    expect(present(dto)).toEqual(['email', 'attributes']);
    expect(present(dto.attributes!)).toEqual([]);
  });

  it('reads null in a required field as missing', () => {
    expect(failure(() => validateStytchInput(CreateUserDto, { email: null }, 'body'))).toMatchObject({
      errorType: 'invalid_email',
    });
  });

  it('keeps nulls inside free-form JSON, where they are data', () => {
    const dto = validateStytchInput(CreateUserDto, { email: 'ada@example.com', trusted_metadata: { a: null } }, 'body');
    expect(dto.trusted_metadata).toEqual({ a: null });
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more, at any depth without a stack overflow`, () => {
    // The body is level 1 and trusted_metadata level 2: its value may nest MAX_JSON_DEPTH - 2 more levels.
    const within = { email: 'ada@example.com', trusted_metadata: { a: nested(MAX_JSON_DEPTH - 2) } };
    expect(validateStytchInput(CreateUserDto, within, 'body').trusted_metadata).toEqual(within.trusted_metadata);
    for (const levels of [MAX_JSON_DEPTH - 1, 30_000]) {
      const body = { email: 'ada@example.com', trusted_metadata: { a: nested(levels) } };
      expect(failure(() => validateStytchInput(CreateUserDto, body, 'body'))).toEqual({
        errorType: 'bad_request',
        message: `The request nests objects and arrays too deeply: at most ${MAX_JSON_DEPTH} levels are accepted.`,
      });
    }
  });

  it('drops prototype keys like any unknown field', () => {
    const body = JSON.parse(
      '{"email":"ada@example.com","__proto__":{"admin":true},"trusted_metadata":{"constructor":{"prototype":{"x":1}},"plan":"pro"}}',
    ) as unknown;
    const dto = validateStytchInput(CreateUserDto, body, 'body');
    expect(dto).toBeInstanceOf(CreateUserDto);
    expect((dto as unknown as { admin?: unknown }).admin).toBeUndefined();
    expect(dto.trusted_metadata).toEqual({ plan: 'pro' });
  });

  it('refuses a body that is not a JSON object', () => {
    for (const body of [[{ email: 'ada@example.com' }], 'text', 1, null, undefined]) {
      expect(failure(() => validateStytchInput(CreateUserDto, body, 'body'))).toEqual({
        errorType: 'bad_request',
        message: 'The request body must be a JSON object.',
      });
    }
  });
});
