/**
 * Every request limit of the service, in one place: the credential checks (counted per key, with a doubling
 * delay once the free attempts are used up) and the plain per-client route limits (a fixed window).
 */

/** After this many attempts on one key, each further attempt waits twice as long as the one before. */
export const LOGIN_LIMITS = {
  /** One account from one client: a user mistyping, or a guesser at that account. */
  pair: 5,
  /** One client across every account (a household or office behind one address shares it). */
  client: 9,
  /** One account from every client, for clients without a device token of that account. */
  account: 50,
} as const;

/** Wrong current passwords (`POST /auth/password`, `DELETE /users/me`). */
export const PASSWORD_CHECK_LIMITS = {
  /** Free wrong passwords per account before each further check waits. */
  account: 5,
  /** Wrong passwords after which the session that made them ends. */
  sessionEndsAfter: 20,
} as const;

/** Second-factor codes (`POST /auth/mfa/verify`, and the code asked again to turn two-factor off or renew codes). */
export const MFA_LIMITS = {
  /** Tries one mfaToken allows; then it is dead and the password must be given again. */
  triesPerToken: 5,
  /** Free wrong codes for one account from one client. */
  pair: 5,
  /** Free wrong codes from one client across every account, as for logins. */
  client: 9,
  /** Free wrong codes for one account from every client without its device token, however many mfaTokens. */
  account: 5,
} as const;

/** The longest a key ever waits; the doubling stops here. */
export const MAX_DELAY_SECONDS = 15 * 60;

/** A key with no attempt for this long is forgotten, so nobody is locked out for good. */
export const FORGET_AFTER_MS = 60 * 60 * 1000;

export interface RouteLimit {
  /** Requests per client per window. */
  limit: number;
  windowMs: number;
}

/** Plain per-client limits of routes that anyone may call. */
export const ROUTE_LIMITS = {
  register: { limit: 30, windowMs: 10 * 60 * 1000 },
  // Generous: a household or an office behind one address never meets it.
  refresh: { limit: 300, windowMs: 60 * 1000 },
  // Each can send a mail; a mailbox hears at most once a minute per purpose whoever asks (MAIL_COOLDOWN_MS).
  passwordForgot: { limit: 30, windowMs: 10 * 60 * 1000 },
  emailResend: { limit: 30, windowMs: 10 * 60 * 1000 },
  // The tokens are 256 random bits: these only keep one client from hammering the database.
  passwordReset: { limit: 60, windowMs: 10 * 60 * 1000 },
  emailVerify: { limit: 60, windowMs: 10 * 60 * 1000 },
  // As generous: guessing is bounded per account (MFA_LIMITS); this only caps one address's request rate.
  mfaVerify: { limit: 300, windowMs: 60 * 1000 },
} as const satisfies Record<string, RouteLimit>;

/** Seconds a client is told to wait when the password-hash queue is full. */
export const HASH_QUEUE_RETRY_AFTER_SECONDS = 1;
