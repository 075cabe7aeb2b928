import { validateStytchInput } from '../http/stytch-validation.js';
import { StytchException } from '../http/stytch.exception.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { checkMetadata, mergeMetadata, METADATA_MAX_BYTES, METADATA_MAX_KEYS } from './user-metadata.js';

/** An object with `count` top-level keys. */
const withKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

/** The error_type and message a call throws as a StytchException. */
function stytchErrorOf(call: () => unknown): { type: string; message: string } {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(StytchException);
    return { type: (error as StytchException).errorType, message: (error as StytchException).message };
  }
  throw new Error('Expected a StytchException');
}

describe('mergeMetadata', () => {
  it('adds new keys and keeps the others', () => {
    expect(mergeMetadata({ key1: 'value1' }, { key2: 'value2' })).toEqual({ key1: 'value1', key2: 'value2' });
  });

  it('replaces a top-level value whole, without merging nested objects or arrays', () => {
    const current = { prefs: { theme: 'dark', lang: 'en' }, tags: ['a', 'b'], other: 1 };
    expect(mergeMetadata(current, { prefs: { theme: 'light' }, tags: ['c'] })).toEqual({
      prefs: { theme: 'light' },
      tags: ['c'],
      other: 1,
    });
  });

  it('deletes a key set to null, and every key when all are', () => {
    expect(mergeMetadata({ key1: [{ deep: 1 }], other: 'x' }, { key1: null })).toEqual({ other: 'x' });
    expect(mergeMetadata({ a: 1, b: 2 }, { a: null, b: null })).toEqual({});
  });

  it('treats nulls below the top level, false, 0 and "" as values', () => {
    expect(mergeMetadata({ a: 1 }, { a: { b: null }, c: false, d: 0, e: '' })).toEqual({
      a: { b: null },
      c: false,
      d: 0,
      e: '',
    });
  });

  it('deletes an absent key without complaint and starts from nothing when nothing is stored', () => {
    expect(mergeMetadata(null, { gone: null, plan: 'pro' })).toEqual({ plan: 'pro' });
  });

  it('leaves both arguments unchanged', () => {
    const current = { a: 1, b: 2 };
    const patch = { a: null, c: 3 };
    mergeMetadata(current, patch);
    expect(current).toEqual({ a: 1, b: 2 });
    expect(patch).toEqual({ a: null, c: 3 });
  });
});

describe('checkMetadata', () => {
  it(`accepts ${METADATA_MAX_KEYS} keys and refuses one more, saying how many`, () => {
    expect(() => checkMetadata('trusted_metadata', withKeys(METADATA_MAX_KEYS))).not.toThrow();
    const error = stytchErrorOf(() => checkMetadata('trusted_metadata', withKeys(METADATA_MAX_KEYS + 1)));
    expect(error.type).toBe('metadata_too_many_keys');
    expect(error.message).toContain('trusted_metadata would have 21 top-level keys');
  });

  it(`accepts ${METADATA_MAX_BYTES} bytes of JSON and refuses one more, counting UTF-8 bytes`, () => {
    const fitting = { v: 'x'.repeat(METADATA_MAX_BYTES - '{"v":""}'.length) };
    expect(Buffer.byteLength(JSON.stringify(fitting))).toBe(METADATA_MAX_BYTES);
    expect(() => checkMetadata('untrusted_metadata', fitting)).not.toThrow();
    expect(stytchErrorOf(() => checkMetadata('untrusted_metadata', { v: `${fitting.v}x` })).type).toBe(
      'metadata_too_large',
    );
    // 'é' is one character and two bytes.
    const accented = { v: 'é'.repeat((METADATA_MAX_BYTES - 8) / 2 + 1) };
    expect(stytchErrorOf(() => checkMetadata('untrusted_metadata', accented)).message).toContain('4098 bytes');
  });
});

describe('metadata fields of requests', () => {
  it.each([
    ['an array', ['a']],
    ['a string', '{"plan":"pro"}'],
    ['a number', 42],
  ])('refuse %s as metadata_invalid_format, on create and on update', (_, value) => {
    for (const dto of [CreateUserDto, UpdateUserDto]) {
      const body = { email: 'ada@example.com', trusted_metadata: value };
      expect(stytchErrorOf(() => validateStytchInput(dto, body, 'body')).type).toBe('metadata_invalid_format');
    }
  });

  it('check the limits on create, where the object is stored as given', () => {
    const tooMany = { email: 'ada@example.com', untrusted_metadata: withKeys(METADATA_MAX_KEYS + 1) };
    expect(stytchErrorOf(() => validateStytchInput(CreateUserDto, tooMany, 'body')).type).toBe(
      'metadata_too_many_keys',
    );
    const tooLarge = { email: 'ada@example.com', untrusted_metadata: { v: 'x'.repeat(METADATA_MAX_BYTES) } };
    expect(stytchErrorOf(() => validateStytchInput(CreateUserDto, tooLarge, 'body')).type).toBe('metadata_too_large');
  });

  it('leave the limits of an update to its merged result: a patch may name more keys than fit, to delete them', () => {
    const patch = { trusted_metadata: { ...withKeys(METADATA_MAX_KEYS + 5), k0: null } };
    expect(validateStytchInput(UpdateUserDto, patch, 'body').trusted_metadata).toEqual(patch.trusted_metadata);
  });
});
