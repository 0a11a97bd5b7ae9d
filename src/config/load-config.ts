import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { AppConfig, JWT_ALGORITHMS, JwtAlgorithm, DatabaseConfig, LOG_LEVELS } from './app-config';
import { passwordProblem } from '../passwords/password-policy';
import { parseDurationSeconds } from './duration';
import { estimatedSecretBits, MIN_SECRET_BITS } from './secret-strength';
import { recordingReads, unknownVariableProblems } from './unknown-variables';

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
  }
}

const NODE_ENVS = ['production', 'development', 'test'];
/** The idle lifetime when REFRESH_TOKEN_IDLE_TTL is unset, unless REFRESH_TOKEN_TTL is shorter. */
const DEFAULT_IDLE_TTL_SECONDS = 7 * 86400;

const PLACEHOLDER_SECRETS = [/change[-_ ]?me/i, /secret/i, /password/i, /example/i, /^(.)\1+$/, /^(0123456789)+/];

/**
 * Reads the environment once, validates every variable of the contract and returns typed configuration. Read every
 * variable unconditionally: the names read are the known ones, and any other that looks like ours stops the start.
 */
export function loadConfig(givenEnv: Env): AppConfig {
  const { env, names: knownNames } = recordingReads(givenEnv);
  const problems: string[] = [];
  const read = <T>(name: string, fallback: string, parse: (value: string) => T): T => {
    const raw = env[name] === undefined || env[name] === '' ? fallback : env[name];
    try {
      return parse(raw);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return undefined as T;
    }
  };

  const production = read('NODE_ENV', '', parseNodeEnv) === 'production';
  const port = read('PORT', '3000', parsePort);
  const refreshTtlSeconds = read('REFRESH_TOKEN_TTL', '30d', (value) => parseDurationWithin(value, 60, 400 * 86400));
  const config: AppConfig = {
    production,
    port,
    host: read('HOST', '0.0.0.0', nonEmpty),
    trustProxy: read('TRUST_PROXY', '', parseTrustProxy),
    corsOrigins: read('CORS_ORIGINS', '', parseCorsOrigins),
    database: read('DATABASE_URL', 'sqlite:data/app.sqlite', parseDatabaseUrl),
    redisUrl: read('REDIS_URL', '', (value) => (value ? parseUrl(value, ['redis:', 'rediss:']) : null)),
    redisKeyPrefix: read('REDIS_KEY_PREFIX', 'bastion:', nonEmpty),
    jwt: {
      issuer: read('JWT_ISSUER', `http://localhost:${port ?? 3000}`, (value) => parseUrl(value, ['http:', 'https:'])),
      audience: read('JWT_AUDIENCE', 'bastion-api', nonEmpty),
      clientId: read('JWT_CLIENT_ID', 'bastion', nonEmpty),
      algorithm: read('JWT_ALGORITHM', 'RS256', parseAlgorithm),
      clockToleranceSeconds: read('JWT_CLOCK_TOLERANCE', '1s', (value) => parseDurationWithin(value, 0, 300)),
      accessTokenTtlSeconds: read('ACCESS_TOKEN_TTL', '15m', (value) => parseDurationWithin(value, 10, 86400)),
    },
    refreshToken: {
      ttlSeconds: refreshTtlSeconds,
      idleTtlSeconds: read(
        'REFRESH_TOKEN_IDLE_TTL',
        `${Math.min(DEFAULT_IDLE_TTL_SECONDS, refreshTtlSeconds ?? Infinity)}s`,
        (value) => parseDurationWithin(value, 60, 400 * 86400),
      ),
      reuseIntervalSeconds: read('REFRESH_TOKEN_REUSE_INTERVAL', '10s', (value) => parseDurationWithin(value, 0, 60)),
    },
    keyEncryptionSecret: read('KEY_ENCRYPTION_SECRET', '', (value) => value || null),
    keyRotationIntervalSeconds: read('KEY_ROTATION_INTERVAL', 'off', (value) =>
      value.trim().toLowerCase() === 'off' ? null : parseDurationWithin(value, 60, 400 * 86400),
    ),
    auditRetentionSeconds: read('AUDIT_RETENTION', '90d', (value) =>
      value.trim().toLowerCase() === 'off' ? null : parseDurationWithin(value, 86400, 3650 * 86400),
    ),
    dataDir: read('DATA_DIR', 'data', nonEmpty),
    admin: null,
    rateLimitEnabled: read('RATE_LIMIT_ENABLED', 'true', parseBoolean),
    swaggerEnabled: read('SWAGGER_ENABLED', production ? 'false' : 'true', parseBoolean),
    passwordHashConcurrency: read('PASSWORD_HASH_CONCURRENCY', String(defaultHashConcurrency()), (value) =>
      parseIntegerWithin(value, 1, 64),
    ),
    passwordHashQueue: read('PASSWORD_HASH_QUEUE', '64', (value) => parseIntegerWithin(value, 0, 10_000)),
    mail: {
      ...read('SMTP_URL', '', parseSmtpUrl),
      from: read('MAIL_FROM', 'Bastion <no-reply@localhost>', nonEmpty),
      appUrl: '',
    },
    requireEmailVerification: read('REQUIRE_EMAIL_VERIFICATION', 'false', parseBoolean),
    emailVerificationTtlSeconds: read('EMAIL_VERIFICATION_TTL', '24h', (value) =>
      parseDurationWithin(value, 60, 30 * 86400),
    ),
    passwordResetTtlSeconds: read('PASSWORD_RESET_TTL', '30m', (value) => parseDurationWithin(value, 60, 86400)),
    log: {
      level: read('LOG_LEVEL', 'info', (value) => oneOf(value, LOG_LEVELS)),
      format: read('LOG_FORMAT', production ? 'json' : 'pretty', (value) => oneOf(value, ['json', 'pretty'] as const)),
    },
    metrics: {
      enabled: read('METRICS_ENABLED', 'true', parseBoolean),
      token: read('METRICS_TOKEN', '', (value) => (value ? parseMetricsToken(value, production) : null)),
    },
  };
  config.mail.appUrl = read('APP_URL', serviceOrigin(config.jwt.issuer), parseAppUrl);

  const poolSize = read('DATABASE_POOL_SIZE', '10', (value) => parseIntegerWithin(value, 1, 200));
  const statementTimeoutSeconds = read('DATABASE_STATEMENT_TIMEOUT', '10s', (value) =>
    parseDurationWithin(value, 1, 3600),
  );
  if (config.database?.type === 'postgres') {
    config.database.poolSize = poolSize;
    config.database.statementTimeoutMs = statementTimeoutSeconds * 1000;
  }
  checkKeyEncryptionSecret(config, problems);
  checkMail(config, problems);
  config.admin = readAdmin(env, problems);
  if (config.refreshToken.idleTtlSeconds > config.refreshToken.ttlSeconds) {
    problems.push('REFRESH_TOKEN_IDLE_TTL: must not be longer than REFRESH_TOKEN_TTL');
  }
  problems.push(...unknownVariableProblems(givenEnv, knownNames));
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return config;
}

function checkKeyEncryptionSecret(config: AppConfig, problems: string[]): void {
  const secret = config.keyEncryptionSecret;
  if (secret === null) {
    if (config.production) {
      problems.push('KEY_ENCRYPTION_SECRET: required when NODE_ENV=production');
    }
    return;
  }
  const weakness = secretWeakness(secret, config.production);
  if (weakness) {
    problems.push(`KEY_ENCRYPTION_SECRET: ${weakness}`);
  }
}

/** What makes a configured secret unfit: too short or a placeholder anywhere, too predictable in production. */
function secretWeakness(secret: string, production: boolean): string | null {
  if (secret.length < 32) {
    return 'must be at least 32 characters';
  }
  if (PLACEHOLDER_SECRETS.some((pattern) => pattern.test(secret))) {
    return 'looks like a placeholder; generate one with `openssl rand -base64 48`';
  }
  if (production && estimatedSecretBits(secret) < MIN_SECRET_BITS) {
    return (
      'too predictable for production (repeats, runs or few kinds of characters); ' +
      'generate one with `openssl rand -base64 48`'
    );
  }
  return null;
}

/** The token travels in an Authorization header, so it must be header-safe; it guards the scrape like a secret. */
function parseMetricsToken(value: string, production: boolean): string {
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new Error('must be printable ASCII without spaces (it is sent as `Authorization: Bearer <token>`)');
  }
  const weakness = secretWeakness(value, production);
  if (weakness) {
    throw new Error(weakness);
  }
  return value;
}

function checkMail(config: AppConfig, problems: string[]): void {
  if (config.mail.delivery === 'log' && config.production) {
    problems.push(
      'SMTP_URL: required when NODE_ENV=production, since verification and password-reset links are mailed ' +
        '(SMTP_URL=none runs without mail: no link is ever sent)',
    );
  }
  if (config.mail.delivery === 'none' && config.requireEmailVerification) {
    problems.push('SMTP_URL: none cannot go with REQUIRE_EMAIL_VERIFICATION=true: nobody could verify an address');
  }
}

function readAdmin(env: Env, problems: string[]): AppConfig['admin'] {
  const email = env.ADMIN_EMAIL?.trim().toLowerCase();
  const password = env.ADMIN_PASSWORD;
  if (!email && !password) {
    return null;
  }
  if (!email || !password) {
    problems.push('ADMIN_EMAIL, ADMIN_PASSWORD: set both or neither');
    return null;
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    problems.push('ADMIN_EMAIL: not an email address');
  }
  const passwordRefused = passwordProblem(password, email);
  if (passwordRefused) {
    problems.push(`ADMIN_PASSWORD: ${passwordRefused}`);
  }
  return { email, password };
}

function parseNodeEnv(value: string): string {
  if (value !== '' && !NODE_ENVS.includes(value)) {
    throw new Error(`"${value}" is not one of ${NODE_ENVS.join(', ')} (or unset)`);
  }
  return value;
}

function nonEmpty(value: string): string {
  if (!value.trim()) {
    throw new Error('must not be empty');
  }
  return value.trim();
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`"${value}" is not a port number (0-65535)`);
  }
  return port;
}

/** Every core but one, so the event loop keeps a core to itself; all of it when the process may use only one. */
function defaultHashConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

function parseIntegerWithin(value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new Error(`"${value}" must be a whole number from ${min} to ${max}`);
  }
  return number;
}

function parseBoolean(value: string): boolean {
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(normalised)) {
    return false;
  }
  throw new Error(`"${value}" is not a boolean (true or false)`);
}

/** More proxies than this in one chain is a typo, not a deployment. */
const MAX_PROXY_HOPS = 10;

/** A hop count, or a list of proxy addresses/CIDRs; never "trust everyone", which would let any client pick its address. */
function parseTrustProxy(value: string): number | string[] | null {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === '' || trimmed === 'false' || trimmed === '0') {
    return null;
  }
  if (/^\d+$/.test(trimmed)) {
    return parseIntegerWithin(trimmed, 1, MAX_PROXY_HOPS);
  }
  const entries = value.split(',').map((entry) => entry.trim());
  if (trimmed === 'true' || trimmed === '*' || entries.some((entry) => /\/0+$/.test(entry))) {
    throw new Error(
      `"${value}" would believe any client's X-Forwarded-For; give the number of proxies in front of the service ` +
        'or their addresses/CIDRs, e.g. 127.0.0.1,10.0.0.0/8',
    );
  }
  const bad = entries.find((entry) => !isAddressOrCidr(entry));
  if (bad !== undefined) {
    throw new Error(`"${bad}" is not an IP address or CIDR (use a hop count or e.g. 127.0.0.1,10.0.0.0/8,fd00::/8)`);
  }
  return entries;
}

/**
 * CORS_ORIGINS: the exact origins (`https://app.example.org`, a port where not the default) whose pages may call the
 * API from a browser; empty, CORS stays off. `*` is refused: an auth API answering every site's scripts invites
 * token-phishing pages, and the browser's credentials rule makes `*` meaningless for anything else.
 */
function parseCorsOrigins(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const origins = entries.map((entry) => {
    if (entry.includes('*')) {
      throw new Error(`"${entry}": wildcards are refused; list each origin, e.g. https://app.example.org`);
    }
    const url = URL.parse(entry);
    const onlyAnOrigin =
      url !== null &&
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      !url.username &&
      !url.password &&
      url.pathname === '/' &&
      !url.search &&
      !url.hash;
    if (!onlyAnOrigin) {
      throw new Error(`"${entry}" is not an origin (scheme, host and port only), e.g. https://app.example.org`);
    }
    return url.origin;
  });
  return [...new Set(origins)];
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || address.includes('%') || rest.length > 0) {
    return false;
  }
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

function parseSmtpUrl(value: string): Pick<AppConfig['mail'], 'delivery' | 'smtpUrl'> {
  if (value.trim() === '') {
    return { delivery: 'log', smtpUrl: null };
  }
  if (value.trim().toLowerCase() === 'none') {
    return { delivery: 'none', smtpUrl: null };
  }
  return { delivery: 'smtp', smtpUrl: parseUrl(value.trim(), ['smtp:', 'smtps:']) };
}

/** The issuer's origin, when it parses; the issuer's own problem is reported under JWT_ISSUER. */
function serviceOrigin(issuer: string | undefined): string {
  try {
    return new URL(issuer ?? '').origin;
  } catch {
    return 'http://localhost:3000';
  }
}

/** An http(s) origin with an optional path prefix, without a trailing slash; never a query or fragment. */
function parseAppUrl(value: string): string {
  const url = new URL(parseUrl(value.trim(), ['http:', 'https:']));
  if (url.search || url.hash || url.username || url.password) {
    throw new Error('must be an origin with an optional path, without query, fragment or credentials');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T {
  const normalised = value.trim().toLowerCase() as T;
  if (!allowed.includes(normalised)) {
    throw new Error(`"${value}" is not one of ${allowed.join(', ')}`);
  }
  return normalised;
}

function parseAlgorithm(value: string): JwtAlgorithm {
  const algorithm = value.trim().toUpperCase() as JwtAlgorithm;
  if (!JWT_ALGORITHMS.includes(algorithm)) {
    throw new Error(`"${value}" is not supported (use one of ${JWT_ALGORITHMS.join(', ')})`);
  }
  return algorithm;
}

function parseDurationWithin(value: string, minSeconds: number, maxSeconds: number): number {
  const seconds = parseDurationSeconds(value);
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw new Error(`"${value}" must be between ${minSeconds}s and ${maxSeconds}s`);
  }
  return seconds;
}

function parseUrl(value: string, protocols: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value may hold a password, so it is not repeated.
    throw new Error('is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new Error(`must start with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`);
  }
  return value;
}

function parseDatabaseUrl(value: string): DatabaseConfig {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (!path) {
      throw new Error('sqlite: needs a file path or :memory:');
    }
    return { type: 'sqlite', path };
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    parseUrl(value, ['postgres:', 'postgresql:']);
    if (!new URL(value).hostname) {
      throw new Error('needs a host, e.g. postgres://user@localhost:5432/bastion');
    }
    return { type: 'postgres', url: value, poolSize: 10, statementTimeoutMs: 10_000 };
  }
  throw new Error('use sqlite:<path>, sqlite::memory: or postgres://…');
}
