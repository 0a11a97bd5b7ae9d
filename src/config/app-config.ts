export type JwtAlgorithm = 'RS256' | 'ES256' | 'PS256' | 'HS256';
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES256', 'PS256', 'HS256'];

export type DatabaseConfig =
  { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; poolSize: number; statementTimeoutMs: number };

/** The validated configuration; every other module reads settings from here, never from `process.env`. */
export class AppConfig {
  production: boolean;
  port: number;
  host: string;
  database: DatabaseConfig;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so that several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  jwt: {
    issuer: string;
    audience: string;
    algorithm: JwtAlgorithm;
    clockToleranceSeconds: number;
    accessTokenTtlSeconds: number;
  };
  refreshToken: {
    ttlSeconds: number;
    idleTtlSeconds: number;
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
}
