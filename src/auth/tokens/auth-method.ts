/** Authentication method references (RFC 8176) that access tokens carry in `amr`. */
export enum AuthMethod {
  Password = 'pwd',
  /** A one-time code: a TOTP code or a recovery code. */
  Otp = 'otp',
}

export const AUTH_METHODS = new Set<string>(Object.values(AuthMethod));
