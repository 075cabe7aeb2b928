import { validate } from 'class-validator';
import { IsEmailAddress, isEmailAddress, normalizeEmail } from './email-address.js';

describe('isEmailAddress', () => {
  it.each([
    'ada@example.com',
    'Ada.Lovelace@Example.COM',
    'first.last+tag@mail.example.co.uk',
    "o'brien@example.ie",
    'x@a-b.example',
    `${'a'.repeat(64)}@example.com`,
  ])('accepts %s', (address) => {
    expect(isEmailAddress(address)).toBe(true);
  });

  it.each([
    ['a display name', 'Ada <ada@example.com>'],
    ['a comment', 'ada(work)@example.com'],
    ['a quoted local part', '"ada lovelace"@example.com'],
    ['a CR/LF header injection', 'ada@example.com\r\nBcc: victim@example.com'],
    ['a trailing newline', 'ada@example.com\n'],
    ['a space', 'ada @example.com'],
    ['two addresses', 'ada@example.com,eve@example.com'],
    ['two @', 'ada@eve@example.com'],
    ['an IP literal', 'ada@[127.0.0.1]'],
    ['no TLD', 'ada@localhost'],
    ['a numeric TLD', 'ada@example.123'],
    ['a leading dot', '.ada@example.com'],
    ['a double dot', 'ada..lovelace@example.com'],
    ['a trailing dot in the domain', 'ada@example.com.'],
    ['a hyphen-led label', 'ada@-example.com'],
    ['a 65-character local part', `${'a'.repeat(65)}@example.com`],
    ['a 64-character label', `ada@${'a'.repeat(64)}.com`],
    ['more than 254 characters', `ada@${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.com`],
    ['non-ASCII', 'adä@example.com'],
    ['an empty string', ''],
  ])('refuses %s', (_case, address) => {
    expect(isEmailAddress(address)).toBe(false);
  });

  it.each([undefined, null, 42, ['ada@example.com'], { email: 'ada@example.com' }])('refuses %p', (value) => {
    expect(isEmailAddress(value)).toBe(false);
  });
});

describe('normalizeEmail', () => {
  it('compares addresses case-insensitively', () => {
    expect(normalizeEmail('Ada.Lovelace@Example.COM')).toBe(normalizeEmail('ada.lovelace@example.com'));
    expect(normalizeEmail('Ada.Lovelace@Example.COM')).toBe('ada.lovelace@example.com');
  });
});

describe('@IsEmailAddress()', () => {
  class Body {
    @IsEmailAddress({ message: 'email is invalid.' })
    email!: unknown;
  }
  const errorsFor = async (email: unknown) => {
    const body = Object.assign(new Body(), { email });
    return (await validate(body)).map((error) => error.constraints);
  };

  it('passes a valid address and reports an invalid one with its message', async () => {
    expect(await errorsFor('ada@example.com')).toEqual([]);
    expect(await errorsFor('Ada <ada@example.com>')).toEqual([{ isEmailAddress: 'email is invalid.' }]);
    expect(await errorsFor(undefined)).toEqual([{ isEmailAddress: 'email is invalid.' }]);
  });
});
