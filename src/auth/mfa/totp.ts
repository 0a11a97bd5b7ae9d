import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app reads it by default: HMAC-SHA-1, 6 digits, 30-second steps. */
export const TOTP_PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** The step before and the one after the current one count too: clocks drift, and people type slowly. */
export const TOTP_WINDOW = 1;
// 160 bits, the HMAC-SHA-1 key length RFC 4226 recommends.
const SECRET_BYTES = 20;
export const TOTP_CODE_PATTERN = /^\d{6}$/;

/** A new random secret, base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The `otpauth://totp/…` URI a QR code carries, labelled `issuer:account`. */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  return new TOTP({ issuer, label: account, secret, ...TOTP_PARAMETERS }).toString();
}

/** The time step this code belongs to, within the window around `nowMs`; null when it is no code of the window. */
export function stepOfCode(secret: string, code: string, nowMs: number): number | null {
  if (!TOTP_CODE_PATTERN.test(code)) {
    return null;
  }
  const totp = new TOTP({ secret, ...TOTP_PARAMETERS });
  const delta = totp.validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW });
  return delta === null ? null : totp.counter({ timestamp: nowMs }) + delta;
}
