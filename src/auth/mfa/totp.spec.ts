import { TOTP } from 'otpauth';
import { newTotpSecret, otpauthUri, stepOfCode } from './totp';

// RFC 6238, appendix B: the SHA-1 test key "12345678901234567890", in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const AT_59_SECONDS = 59_000;
const STEP_AT_59_SECONDS = 1;

function codeAt(secret: string, timestamp: number): string {
  return new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp });
}

describe('totp', () => {
  describe('stepOfCode', () => {
    it('should match the RFC 6238 test vector at T = 59 s', () => {
      // The RFC gives 8 digits (94287082); 6-digit codes are its last six.
      expect(stepOfCode(RFC_SECRET, '287082', AT_59_SECONDS)).toBe(STEP_AT_59_SECONDS);
    });

    it.each([
      ['the current step', 0],
      ['the step before', -1],
      ['the step after', 1],
    ])('should accept the code of %s and answer its step', (_label, offset) => {
      const now = 1_800_000_000_000;
      const code = codeAt(RFC_SECRET, now + offset * 30_000);

      expect(stepOfCode(RFC_SECRET, code, now)).toBe(Math.floor(now / 30_000) + offset);
    });

    it.each([-2, 2])('should refuse the code of the step %d away', (offset) => {
      const now = 1_800_000_000_000;

      expect(stepOfCode(RFC_SECRET, codeAt(RFC_SECRET, now + offset * 30_000), now)).toBeNull();
    });

    it.each(['', '12345', '1234567', 'abcdef', ' 287082'])('should refuse %p without computing anything', (code) => {
      expect(stepOfCode(RFC_SECRET, code, AT_59_SECONDS)).toBeNull();
    });
  });

  describe('newTotpSecret', () => {
    it('should make 160-bit base32 secrets, each new', () => {
      const secrets = new Set(Array.from({ length: 20 }, newTotpSecret));

      expect(secrets.size).toBe(20);
      secrets.forEach((secret) => expect(secret).toMatch(/^[A-Z2-7]{32}$/));
    });
  });

  describe('otpauthUri', () => {
    it('should label the account with the issuer and carry the parameters', () => {
      expect(otpauthUri(RFC_SECRET, 'auth.example.org', 'ada@example.org')).toBe(
        `otpauth://totp/auth.example.org:ada%40example.org?issuer=auth.example.org&secret=${RFC_SECRET}&algorithm=SHA1&digits=6&period=30`,
      );
    });
  });
});
