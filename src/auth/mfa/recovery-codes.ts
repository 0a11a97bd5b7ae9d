import { createHash, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
// 80 random bits each: far beyond guessing, so a plain SHA-256 at rest suffices (no slow hash needed).
const CODE_BYTES = 10;
const NORMAL_FORM = /^[0-9a-f]{20}$/;
/** What a client may send: the code as shown (`1a2b3-c4d5e-6f7a8-b9c0d`), in any case, dashes optional. */
export const RECOVERY_CODE_PATTERN = /^\s*[0-9a-f]{5}(?:-?[0-9a-f]{5}){3}\s*$/i;

/** A new set of codes, as shown to the user once: four groups of five hex digits. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    randomBytes(CODE_BYTES)
      .toString('hex')
      .replace(/(.{5})(?!$)/g, '$1-'),
  );
}

/** The only form in which a recovery code is stored or looked up; null for what cannot be one. */
export function hashRecoveryCode(code: string): string | null {
  const normal = code.toLowerCase().replace(/[\s-]/g, '');
  return NORMAL_FORM.test(normal) ? createHash('sha256').update(normal).digest('hex') : null;
}
