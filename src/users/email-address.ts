import { registerDecorator, ValidationOptions } from 'class-validator';

// One bare addr-spec: dot-atom local part, a dotted host name with a TLD. No display names, comments, quoted
// strings, IP literals, whitespace or control characters: anything looser has sent links to attackers' mailboxes.
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isEmailAddress(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 254 || !ADDRESS.test(value)) return false;
  return value.indexOf('@') <= 64;
}

/** Addresses are compared case-insensitively, as mail providers do in practice. */
export function normalizeEmail(email: string): string {
  return email.toLowerCase();
}

export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEmailAddress',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: { validate: isEmailAddress },
    });
}
