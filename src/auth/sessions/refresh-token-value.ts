import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
// 32 bytes in base64url, unpadded.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new opaque refresh token: 256 random bits. */
export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The only form in which a refresh token is stored or looked up. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeRefreshToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}
