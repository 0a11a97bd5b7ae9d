import { randomBytes } from 'node:crypto';
import { estimatedSecretBits, MIN_SECRET_BITS } from './secret-strength';

describe('estimatedSecretBits', () => {
  it.each([
    ['openssl rand -base64 48', () => randomBytes(48).toString('base64')],
    ['openssl rand -hex 32', () => randomBytes(32).toString('hex')],
    ['32 random bytes in base64url', () => randomBytes(32).toString('base64url')],
    ['16 random bytes in hex (32 characters)', () => randomBytes(16).toString('hex')],
  ])('should rate %s at the minimum or more, every time', (_label, generate) => {
    const lowest = Math.min(...Array.from({ length: 5000 }, () => estimatedSecretBits(generate())));

    expect(lowest).toBeGreaterThanOrEqual(MIN_SECRET_BITS);
  });

  it.each([
    ['a repeated pair', 'ab'.repeat(20)],
    ['a repeated group', 'ab12'.repeat(10)],
    ['the alphabet, twice', 'abcdefghijklmnopqrstuvwxyz'.repeat(2)],
    ['digits counting up', '1234567890'.repeat(4)],
    ['one character and a tail', `${'A'.repeat(36)}a1!`],
    ['digits only', '40271938561029384756102938475610'],
    ['lower-case letters only, 20 of them', 'qhxbzmtwkrjdplvcnyfs'],
  ])('should rate %s below the minimum', (_label, secret) => {
    expect(estimatedSecretBits(secret)).toBeLessThan(MIN_SECRET_BITS);
  });
});
