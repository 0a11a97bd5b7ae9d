export type JwtAlgorithm = 'RS256' | 'ES256' | 'PS256' | 'HS256';
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES256', 'PS256', 'HS256'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export type DatabaseConfig =
  { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; poolSize: number; statementTimeoutMs: number };

/** The validated configuration; every other module reads settings from here, never from `process.env`. */
export class AppConfig {
  production: boolean;
  port: number;
  host: string;
  /**
   * Whose X-Forwarded-For is believed: the number of proxies in front of the service, or their addresses/CIDRs;
   * null: nobody's, the client is the TCP peer.
   */
  trustProxy: number | string[] | null;
  /** Origins whose browser pages may call the API (CORS); empty, CORS is off. Exact, normalised origins. */
  corsOrigins: string[];
  database: DatabaseConfig;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so that several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  jwt: {
    issuer: string;
    audience: string;
    /** The `client_id` claim of every access token (RFC 9068): this service as the client that obtained it. */
    clientId: string;
    algorithm: JwtAlgorithm;
    clockToleranceSeconds: number;
    accessTokenTtlSeconds: number;
  };
  refreshToken: {
    ttlSeconds: number;
    idleTtlSeconds: number;
    /** A just-retired token whose successor is unused gets that successor again for this long; 0: strict. */
    reuseIntervalSeconds: number;
  };
  keyEncryptionSecret: string | null;
  /** Rotate the signing key automatically when the active one is this old; null: only on demand. */
  keyRotationIntervalSeconds: number | null;
  /** The clean-up job deletes audit events older than this; null: kept for ever. */
  auditRetentionSeconds: number | null;
  /** Where development keeps a generated key-encryption secret when none is configured. */
  dataDir: string;
  admin: { email: string; password: string } | null;
  rateLimitEnabled: boolean;
  swaggerEnabled: boolean;
  /** Password hashes computed at once; more wait their turn, so hashing cannot take every core from requests. */
  passwordHashConcurrency: number;
  /** Password hashes that may wait for a free worker; beyond them a request gets 503 at once (capacity, always on). */
  passwordHashQueue: number;
  mail: {
    /** `smtp`: sent to smtpUrl; `log`: written to the log (development only, SMTP_URL unset); `none`: never sent. */
    delivery: 'smtp' | 'log' | 'none';
    /** smtp:// or smtps://, credentials in the URL; null unless delivery is `smtp`. */
    smtpUrl: string | null;
    from: string;
    /** The front end's origin (and path prefix) that mailed links point to; never taken from a request. */
    appUrl: string;
  };
  /** Refuse logins of unverified accounts, and answer registration alike whether or not the email is taken. */
  requireEmailVerification: boolean;
  emailVerificationTtlSeconds: number;
  passwordResetTtlSeconds: number;
  log: {
    level: LogLevel;
    /** `json`: one JSON object a line (production's default); `pretty`: text for a terminal (development's). */
    format: 'json' | 'pretty';
  };
  metrics: {
    /** false: nothing is measured and /metrics is not served. */
    enabled: boolean;
    /** The bearer token /metrics requires; null: none, and then production does not serve /metrics. */
    token: string | null;
  };
}
