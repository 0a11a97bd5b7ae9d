import { ValidationProblemException } from '../common/http/validation-problem.exception';
import commonPasswordList from './common-passwords.json';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/** Local parts shorter than this are not looked for: refusing every password with an "a" in it protects nobody. */
export const LOCAL_PART_MIN_LENGTH = 3;

export const PASSWORD_LENGTH_PROBLEM = `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;
export const COMMON_PASSWORD_PROBLEM = 'is one of the 10 000 most common passwords';
export const LOCAL_PART_PROBLEM = 'must not contain the part of the email address before the @';

// Stored NFKC and lower-cased (scripts/common-passwords.mjs), so a lookup is one hash of the folded password.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(commonPasswordList);

/**
 * The one form a password is hashed and compared in: NFKC makes what looks the same the same (a composed and a
 * decomposed "é", full-width letters, ligatures), whichever keyboard or platform typed it.
 */
export function normalise(password: string): string {
  return password.normalize('NFKC');
}

/** Characters as people count them, closer than UTF-16 units: an emoji outside the BMP is one. */
export function passwordLength(password: string): number {
  return [...normalise(password)].length;
}

export function hasAllowedLength(password: string): boolean {
  const length = passwordLength(password);
  return length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH;
}

/** Why a new password for the account with this email is refused, or null when it is allowed. */
export function passwordProblem(password: string, email: string): string | null {
  if (!hasAllowedLength(password)) {
    return PASSWORD_LENGTH_PROBLEM;
  }
  const folded = normalise(password).toLowerCase();
  if (COMMON_PASSWORDS.has(folded)) {
    return COMMON_PASSWORD_PROBLEM;
  }
  const at = email.lastIndexOf('@');
  const localPart = normalise(at < 0 ? email : email.slice(0, at)).toLowerCase();
  if ([...localPart].length >= LOCAL_PART_MIN_LENGTH && folded.includes(localPart)) {
    return LOCAL_PART_PROBLEM;
  }
  return null;
}

/** Refuses a new password with the same 400 the validation pipe gives, naming the request's `field`. */
export function assertPasswordAllowed(password: string, email: string, field: string): void {
  const problem = passwordProblem(password, email);
  if (problem) {
    throw new ValidationProblemException([{ field, message: `${field} ${problem}` }]);
  }
}
