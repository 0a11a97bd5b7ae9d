import { createHash } from 'node:crypto';
import { hashRecoveryCode, newRecoveryCodes, RECOVERY_CODE_COUNT, RECOVERY_CODE_PATTERN } from './recovery-codes';

describe('recovery codes', () => {
  it('should make 10 distinct codes of four groups of five hex digits', () => {
    const codes = newRecoveryCodes();

    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    codes.forEach((code) => expect(code).toMatch(/^[0-9a-f]{5}(-[0-9a-f]{5}){3}$/));
  });

  it('should hash the normal form, so case, dashes and spaces do not matter', () => {
    const expected = createHash('sha256').update('1a2b3c4d5e6f7a8b9c0d').digest('hex');

    expect(hashRecoveryCode('1a2b3-c4d5e-6f7a8-b9c0d')).toBe(expected);
    expect(hashRecoveryCode('1A2B3C4D5E6F7A8B9C0D')).toBe(expected);
    expect(hashRecoveryCode(' 1a2b3 c4d5e 6f7a8 b9c0d ')).toBe(expected);
  });

  it.each(['', 'nope', '1a2b3-c4d5e-6f7a8', '1a2b3-c4d5e-6f7a8-b9c0g', '1a2b3-c4d5e-6f7a8-b9c0d0'])(
    'should give no hash for %p',
    (code) => {
      expect(hashRecoveryCode(code)).toBeNull();
    },
  );

  it('should accept as input what it shows, in any case, with or without dashes', () => {
    const [code] = newRecoveryCodes();

    expect(RECOVERY_CODE_PATTERN.test(code)).toBe(true);
    expect(RECOVERY_CODE_PATTERN.test(code.toUpperCase().replace(/-/g, ''))).toBe(true);
    expect(RECOVERY_CODE_PATTERN.test('123456')).toBe(false);
  });
});
