import { loadConfig } from './load-config';
import { recordingReads } from './unknown-variables';

/**
 * Each variable's default as it is written in the environment (blank: unset or derived) and what it means, in the
 * order `.env.example` lists them. A spec checks that these are exactly the names loadConfig reads and that each
 * default changes nothing when set.
 */
export const VARIABLES: Record<string, [defaultValue: string, meaning: string]> = {
  NODE_ENV: [
    '',
    '`production` refuses a missing or weak secret and turns Swagger off; .env itself is read only without it',
  ],
  PORT: ['3000', 'listen port'],
  HOST: ['0.0.0.0', 'listen address'],
  TRUST_PROXY: ['', 'proxies whose X-Forwarded-For is believed: a hop count (1-10) or addresses/CIDRs'],
  CORS_ORIGINS: ['', 'exact origins whose browser pages may call the API, comma-separated; empty: CORS off'],
  DATABASE_URL: ['sqlite:data/app.sqlite', 'sqlite:<path>, sqlite::memory: or postgres://user@host:5432/db'],
  DATABASE_POOL_SIZE: ['10', 'PostgreSQL connections per instance (1-200)'],
  DATABASE_STATEMENT_TIMEOUT: ['10s', 'PostgreSQL cancels a statement that runs longer'],
  REDIS_URL: ['', 'redis:// or rediss://: revocations, key-ring changes and throttle counts shared by every instance'],
  REDIS_KEY_PREFIX: ['bastion:', 'prefix of every Redis key and channel'],
  PASSWORD_HASH_CONCURRENCY: ['', 'password hashes computed at once (default: cores - 1, at least 1)'],
  PASSWORD_HASH_QUEUE: ['64', 'hashes that may wait for a free worker; beyond that 503 at once'],
  JWT_ISSUER: ['http://localhost:3000', 'the iss of every token (default: http://localhost:<PORT>)'],
  JWT_AUDIENCE: ['bastion-api', 'the aud of every access token'],
  JWT_CLIENT_ID: ['bastion', 'the client_id claim of every access token'],
  JWT_ALGORITHM: ['RS256', 'RS256, ES256, PS256 or HS256'],
  JWT_CLOCK_TOLERANCE: ['1s', 'accepted clock skew when verifying (0 to 5 minutes)'],
  ACCESS_TOKEN_TTL: ['15m', 'access token lifetime (10 s to 1 day)'],
  REFRESH_TOKEN_TTL: ['30d', 'absolute session lifetime'],
  REFRESH_TOKEN_IDLE_TTL: ['7d', 'a session unused this long ends; at most REFRESH_TOKEN_TTL'],
  REFRESH_TOKEN_REUSE_INTERVAL: ['10s', 'how long a just-exchanged refresh token may be sent again (0-60 s)'],
  KEY_ENCRYPTION_SECRET: ['', 'encrypts the signing keys at rest (openssl rand -base64 48); development generates one'],
  KEY_ROTATION_INTERVAL: ['off', 'rotate the signing key when the active one is this old (e.g. 30d)'],
  AUDIT_RETENTION: ['90d', 'audit events older than this are deleted (1 to 3650 days, or off)'],
  ADMIN_EMAIL: ['', 'with ADMIN_PASSWORD: that admin exists after start-up'],
  ADMIN_PASSWORD: ['', 'with ADMIN_EMAIL: that admin exists after start-up'],
  RATE_LIMIT_ENABLED: ['true', 'false turns every request limit off (benchmarks)'],
  SWAGGER_ENABLED: ['true', 'serve /docs and /docs-json (default false in production)'],
  SMTP_URL: ['', 'smtp:// or smtps://; unset in development: mails are logged; none: no mail'],
  MAIL_FROM: ['Bastion <no-reply@localhost>', 'the sender of every mail'],
  APP_URL: ['http://localhost:3000', "the front end that mailed links open (default: the issuer's origin)"],
  REQUIRE_EMAIL_VERIFICATION: ['false', 'refuse logins of unverified accounts'],
  EMAIL_VERIFICATION_TTL: ['24h', 'lifetime of a mailed verification link'],
  PASSWORD_RESET_TTL: ['30m', 'lifetime of a mailed reset link'],
  METRICS_ENABLED: ['true', 'false: nothing is measured and /metrics answers 404'],
  METRICS_TOKEN: ['', 'the bearer token GET /metrics requires (32+ printable characters)'],
  LOG_LEVEL: ['info', 'fatal, error, warn, info, debug, trace or silent'],
  LOG_FORMAT: ['', 'json or pretty (default: json in production, pretty otherwise)'],
  DATA_DIR: ['data', 'where development keeps its generated key-encryption secret'],
};

/** The names loadConfig reads: the known variables, found by asking it rather than from a list to keep in step. */
export function configVariableNames(): string[] {
  const { env, names } = recordingReads({});
  loadConfig(env);
  return [...names];
}

/** The text of `.env.example`: every variable, commented out at its default. */
export function renderEnvExample(): string {
  const undocumented = configVariableNames().filter((name) => !(name in VARIABLES));
  if (undocumented.length > 0) {
    throw new Error(`src/config/env-example.ts: describe ${undocumented.join(', ')} in VARIABLES`);
  }
  const entries = Object.entries(VARIABLES).map(([name, [value, meaning]]) => `# ${meaning}\n# ${name}=${value}\n`);
  return [
    '# Every variable the service reads, commented out at its default. Written by `npm run env:example` from',
    '# src/config/env-example.ts; a test fails when it drifts from what src/config/load-config.ts reads.',
    '# Copy it to .env (never committed) for development: .env is read unless NODE_ENV is production or test, and',
    '# a variable set in the real environment wins over it. No value here is a secret; never put a real one here.',
    '',
    ...entries,
  ].join('\n');
}
