import { availableParallelism } from 'node:os';
import { AppConfig } from './app-config';
import { ConfigError, loadConfig } from './load-config';
import { COMMON_PASSWORD_PROBLEM, LOCAL_PART_PROBLEM } from '../passwords/password-policy';

const STRONG_SECRET = 'Jx8fQ2vNw4Lr7tYp1ZkHs9Dc3Bm6Ga5E';
const SMTP_URL = 'smtp://mail.example.org:587';
const METRICS_TOKEN = 'q7Rk2WmZ9xPv4Ls8Tn3Yb6Hc1Jd5Fg0A';

type Env = Record<string, string | undefined>;

function configError(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** The variables a ConfigError names, in the order it lists them. */
function namedVariables(env: Env): string[] {
  return configError(env).problems.map((problem) => problem.slice(0, problem.indexOf(':')));
}

describe('loadConfig', () => {
  describe('defaults', () => {
    let config: AppConfig;

    beforeAll(() => {
      config = loadConfig({});
    });

    it('should match the contract table', () => {
      expect(config).toEqual({
        production: false,
        port: 3000,
        host: '0.0.0.0',
        trustProxy: null,
        corsOrigins: [],
        database: { type: 'sqlite', path: 'data/app.sqlite' },
        redisUrl: null,
        redisKeyPrefix: 'bastion:',
        jwt: {
          issuer: 'http://localhost:3000',
          audience: 'bastion-api',
          clientId: 'bastion',
          algorithm: 'RS256',
          clockToleranceSeconds: 1,
          accessTokenTtlSeconds: 900,
        },
        refreshToken: { ttlSeconds: 30 * 86400, idleTtlSeconds: 7 * 86400, reuseIntervalSeconds: 10 },
        keyEncryptionSecret: null,
        keyRotationIntervalSeconds: null,
        auditRetentionSeconds: 90 * 86400,
        dataDir: 'data',
        admin: null,
        rateLimitEnabled: true,
        swaggerEnabled: true,
        passwordHashConcurrency: Math.max(1, availableParallelism() - 1),
        passwordHashQueue: 64,
        mail: { delivery: 'log', smtpUrl: null, from: 'Bastion <no-reply@localhost>', appUrl: 'http://localhost:3000' },
        requireEmailVerification: false,
        emailVerificationTtlSeconds: 24 * 3600,
        passwordResetTtlSeconds: 30 * 60,
        log: { level: 'info', format: 'pretty' },
        metrics: { enabled: true, token: null },
      });
    });

    it('should treat empty variables as unset', () => {
      expect(loadConfig({ PORT: '', JWT_ALGORITHM: '', ACCESS_TOKEN_TTL: '', SWAGGER_ENABLED: '' })).toEqual(config);
    });

    it('should derive the default issuer from PORT', () => {
      expect(loadConfig({ PORT: '8080' }).jwt.issuer).toBe('http://localhost:8080');
    });
  });

  describe('every variable', () => {
    it('should be parsed into typed configuration', () => {
      const config = loadConfig({
        NODE_ENV: 'development',
        PORT: '4000',
        HOST: ' 127.0.0.1 ',
        TRUST_PROXY: '10.0.0.0/8, 192.0.2.7',
        CORS_ORIGINS: 'https://app.example.org',
        DATABASE_URL: 'postgres://bastion:pw@db.internal:5432/bastion',
        DATABASE_POOL_SIZE: '25',
        DATABASE_STATEMENT_TIMEOUT: '30s',
        REDIS_URL: 'rediss://cache.internal:6380',
        REDIS_KEY_PREFIX: ' bastion-eu: ',
        JWT_ISSUER: 'https://auth.example.org',
        JWT_AUDIENCE: 'orders-api',
        JWT_CLIENT_ID: ' orders-portal ',
        JWT_ALGORITHM: 'es256',
        JWT_CLOCK_TOLERANCE: '5s',
        ACCESS_TOKEN_TTL: '10m',
        REFRESH_TOKEN_TTL: '14d',
        REFRESH_TOKEN_IDLE_TTL: '2d',
        KEY_ENCRYPTION_SECRET: STRONG_SECRET,
        KEY_ROTATION_INTERVAL: '90d',
        AUDIT_RETENTION: '365d',
        DATA_DIR: '/var/lib/bastion',
        ADMIN_EMAIL: '  Root@Example.ORG ',
        ADMIN_PASSWORD: 'a long admin passphrase',
        RATE_LIMIT_ENABLED: 'off',
        SWAGGER_ENABLED: 'no',
        PASSWORD_HASH_CONCURRENCY: '3',
        PASSWORD_HASH_QUEUE: '0',
        SMTP_URL: 'smtps://bastion:pw@mail.example.org:465',
        MAIL_FROM: 'Orders <auth@example.org>',
        APP_URL: 'https://app.example.org/portal/',
        REQUIRE_EMAIL_VERIFICATION: 'true',
        EMAIL_VERIFICATION_TTL: '2d',
        PASSWORD_RESET_TTL: '15m',
        METRICS_ENABLED: 'false',
        METRICS_TOKEN: METRICS_TOKEN,
        LOG_LEVEL: 'WARN',
        LOG_FORMAT: 'json',
      });

      expect(config).toEqual({
        production: false,
        port: 4000,
        host: '127.0.0.1',
        trustProxy: ['10.0.0.0/8', '192.0.2.7'],
        corsOrigins: ['https://app.example.org'],
        database: {
          type: 'postgres',
          url: 'postgres://bastion:pw@db.internal:5432/bastion',
          poolSize: 25,
          statementTimeoutMs: 30_000,
        },
        redisUrl: 'rediss://cache.internal:6380',
        redisKeyPrefix: 'bastion-eu:',
        jwt: {
          issuer: 'https://auth.example.org',
          audience: 'orders-api',
          clientId: 'orders-portal',
          algorithm: 'ES256',
          clockToleranceSeconds: 5,
          accessTokenTtlSeconds: 600,
        },
        refreshToken: { ttlSeconds: 14 * 86400, idleTtlSeconds: 2 * 86400, reuseIntervalSeconds: 10 },
        keyEncryptionSecret: STRONG_SECRET,
        keyRotationIntervalSeconds: 90 * 86400,
        auditRetentionSeconds: 365 * 86400,
        dataDir: '/var/lib/bastion',
        admin: { email: 'root@example.org', password: 'a long admin passphrase' },
        rateLimitEnabled: false,
        swaggerEnabled: false,
        passwordHashConcurrency: 3,
        passwordHashQueue: 0,
        mail: {
          delivery: 'smtp',
          smtpUrl: 'smtps://bastion:pw@mail.example.org:465',
          from: 'Orders <auth@example.org>',
          appUrl: 'https://app.example.org/portal',
        },
        requireEmailVerification: true,
        emailVerificationTtlSeconds: 2 * 86400,
        passwordResetTtlSeconds: 15 * 60,
        log: { level: 'warn', format: 'json' },
        metrics: { enabled: false, token: METRICS_TOKEN },
      });
    });

    it.each(['RS256', 'ES256', 'PS256', 'HS256'])('should accept JWT_ALGORITHM=%s', (algorithm) => {
      expect(loadConfig({ JWT_ALGORITHM: algorithm }).jwt.algorithm).toBe(algorithm);
    });

    it.each([
      ['true', true],
      ['1', true],
      ['yes', true],
      ['ON', true],
      ['false', false],
      ['0', false],
      ['no', false],
      ['Off', false],
    ])('should read the boolean %p as %p', (value, expected) => {
      expect(loadConfig({ RATE_LIMIT_ENABLED: value }).rateLimitEnabled).toBe(expected);
      expect(loadConfig({ SWAGGER_ENABLED: value }).swaggerEnabled).toBe(expected);
    });

    it('should accept a zero clock tolerance and port 0', () => {
      const config = loadConfig({ JWT_CLOCK_TOLERANCE: '0', PORT: '0' });

      expect(config.jwt.clockToleranceSeconds).toBe(0);
      expect(config.port).toBe(0);
    });
  });

  describe('a bad value', () => {
    it.each([
      ['PORT', 'http'],
      ['PORT', '65536'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['HOST', '   '],
      ['DATABASE_URL', 'mysql://db/app'],
      ['REDIS_URL', 'http://cache:6379'],
      ['REDIS_URL', 'cache:6379'],
      ['REDIS_KEY_PREFIX', '   '],
      ['JWT_ISSUER', 'auth.example.org'],
      ['JWT_ISSUER', 'ftp://auth.example.org'],
      ['JWT_AUDIENCE', '  '],
      ['JWT_CLIENT_ID', '  '],
      ['JWT_ALGORITHM', 'none'],
      ['JWT_ALGORITHM', 'HS512'],
      ['JWT_CLOCK_TOLERANCE', 'a bit'],
      ['JWT_CLOCK_TOLERANCE', '6m'],
      ['ACCESS_TOKEN_TTL', '9s'],
      ['ACCESS_TOKEN_TTL', '2d'],
      ['ACCESS_TOKEN_TTL', 'forever'],
      ['REFRESH_TOKEN_TTL', '59s'],
      ['REFRESH_TOKEN_TTL', '401d'],
      ['REFRESH_TOKEN_IDLE_TTL', '1w'],
      ['KEY_ENCRYPTION_SECRET', 'short'],
      ['KEY_ROTATION_INTERVAL', 'weekly'],
      ['KEY_ROTATION_INTERVAL', '59s'],
      ['AUDIT_RETENTION', 'forever'],
      ['AUDIT_RETENTION', '23h'],
      ['AUDIT_RETENTION', '3651d'],
      ['DATA_DIR', ' '],
      ['RATE_LIMIT_ENABLED', 'maybe'],
      ['SWAGGER_ENABLED', 'yep'],
      ['SMTP_URL', 'http://mail.example.org'],
      ['SMTP_URL', 'mail.example.org:587'],
      ['MAIL_FROM', '  '],
      ['APP_URL', 'app.example.org'],
      ['APP_URL', 'https://app.example.org/?next=x'],
      ['APP_URL', 'https://user:pw@app.example.org'],
      ['REQUIRE_EMAIL_VERIFICATION', 'sometimes'],
      ['EMAIL_VERIFICATION_TTL', '59s'],
      ['EMAIL_VERIFICATION_TTL', '31d'],
      ['PASSWORD_RESET_TTL', '2d'],
      ['METRICS_ENABLED', 'sometimes'],
      ['METRICS_TOKEN', 'short'],
      ['LOG_LEVEL', 'verbose'],
      ['LOG_FORMAT', 'text'],
    ])('of %s (%p) should throw a ConfigError naming the variable', (name, value) => {
      const error = configError({ [name]: value });

      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(new RegExp(`^${name}: `));
      expect(error.message).toBe(`Invalid configuration: ${error.problems[0]}`);
    });

    it('should report every bad variable at once, one line each', () => {
      const env = { PORT: 'x', JWT_ALGORITHM: 'none', SWAGGER_ENABLED: 'perhaps' };

      expect(namedVariables(env)).toEqual(['PORT', 'JWT_ALGORITHM', 'SWAGGER_ENABLED']);
      expect(configError(env).message.split('\n')).toHaveLength(4);
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      ['', null],
      ['0', null],
      ['false', null],
      ['1', 1],
      [' 2 ', 2],
      ['127.0.0.1', ['127.0.0.1']],
      ['127.0.0.1,10.0.0.0/8', ['127.0.0.1', '10.0.0.0/8']],
      ['192.0.2.1 , ::1, 2001:db8::/32, fd00::/8', ['192.0.2.1', '::1', '2001:db8::/32', 'fd00::/8']],
    ])('should read %p as %p', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
    });

    it.each(['true', '0.0.0.0/0', '10.0.0.1, ::/0'])(
      'should refuse %p (believing everyone) and say what to give instead',
      (value) => {
        const [problem] = configError({ TRUST_PROXY: value }).problems;

        expect(problem).toMatch(/^TRUST_PROXY: ".+" would believe any client's X-Forwarded-For; give the number/);
        expect(problem).toContain('127.0.0.1,10.0.0.0/8');
      },
    );

    it.each([
      'TRUE',
      '*',
      '11',
      '-1',
      '1.5',
      'loopback',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/8/1',
      '10.0.0.1,',
      'fe80::1%eth0',
      '300.1.1.1',
      'proxy.internal',
    ])('should refuse %p, naming the variable', (value) => {
      expect(namedVariables({ TRUST_PROXY: value })).toEqual(['TRUST_PROXY']);
    });
  });

  describe('CORS_ORIGINS', () => {
    it.each([
      ['', []],
      ['https://app.example.org', ['https://app.example.org']],
      [' https://App.Example.org/ , http://localhost:5173', ['https://app.example.org', 'http://localhost:5173']],
      ['https://app.example.org:443,https://app.example.org', ['https://app.example.org']],
      ['https://app.example.org:8443', ['https://app.example.org:8443']],
    ])('should read %p as the origins %p', (value, expected) => {
      expect(loadConfig({ CORS_ORIGINS: value }).corsOrigins).toEqual(expected);
    });

    it.each(['*', 'https://*.example.org'])('should refuse the wildcard %p, saying to list origins', (value) => {
      const [problem] = configError({ CORS_ORIGINS: value }).problems;

      expect(problem).toMatch(/^CORS_ORIGINS: ".+": wildcards are refused; list each origin/);
    });

    it.each([
      'app.example.org',
      'https://app.example.org/app',
      'https://app.example.org?x=1',
      'https://user:pw@app.example.org',
      'ftp://app.example.org',
      'null',
    ])('should refuse %p, which is not an origin, naming the variable', (value) => {
      expect(namedVariables({ CORS_ORIGINS: value })).toEqual(['CORS_ORIGINS']);
    });
  });

  describe('DATABASE_URL', () => {
    it('should read sqlite:<path>', () => {
      expect(loadConfig({ DATABASE_URL: 'sqlite:/srv/bastion/app.db' }).database).toEqual({
        type: 'sqlite',
        path: '/srv/bastion/app.db',
      });
    });

    it('should read sqlite::memory:', () => {
      expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({ type: 'sqlite', path: ':memory:' });
    });

    it.each(['postgres://app:pw@localhost:5432/app', 'postgresql://localhost/app?sslmode=require'])(
      'should read %s as PostgreSQL',
      (url) => {
        expect(loadConfig({ DATABASE_URL: url }).database).toEqual({
          type: 'postgres',
          url,
          poolSize: 10,
          statementTimeoutMs: 10_000,
        });
      },
    );

    it.each([
      ['DATABASE_POOL_SIZE', '0'],
      ['DATABASE_POOL_SIZE', 'many'],
      ['DATABASE_STATEMENT_TIMEOUT', '0s'],
      ['DATABASE_STATEMENT_TIMEOUT', 'soon'],
    ])('should refuse %s=%p on PostgreSQL, naming it', (name, value) => {
      expect(namedVariables({ DATABASE_URL: 'postgres://db/app', [name]: value })).toEqual([name]);
    });

    it.each(['-1', '10001', 'none', '2.5'])('should refuse PASSWORD_HASH_QUEUE=%p, naming it', (value) => {
      expect(namedVariables({ PASSWORD_HASH_QUEUE: value })).toEqual(['PASSWORD_HASH_QUEUE']);
    });

    it.each(['0', '65', 'all', '1.5'])('should refuse PASSWORD_HASH_CONCURRENCY=%p, naming it', (value) => {
      expect(namedVariables({ PASSWORD_HASH_CONCURRENCY: value })).toEqual(['PASSWORD_HASH_CONCURRENCY']);
    });

    it('should not repeat a URL, which may hold a password, in its error', () => {
      const error = configError({ DATABASE_URL: 'postgres://bastion:Sup3rS3cret@db:99999/app' });

      expect(error.message).toContain('DATABASE_URL');
      expect(error.message).not.toContain('Sup3rS3cret');
    });

    it.each([
      'sqlite:',
      'junk',
      'mysql://localhost/app',
      'postgres://app@localhost:99999/app',
      '/data/app.sqlite',
      'postgres://',
    ])('should refuse %p', (url) => {
      expect(namedVariables({ DATABASE_URL: url })).toEqual(['DATABASE_URL']);
    });
  });

  describe('REDIS_URL and REDIS_KEY_PREFIX', () => {
    it('should mean single-instance mode when REDIS_URL is unset', () => {
      expect(loadConfig({ REDIS_KEY_PREFIX: 'team-a:' }).redisUrl).toBeNull();
    });

    it.each(['redis://127.0.0.1:6379', 'rediss://:pw@cache.internal:6380/2'])('should read %s', (url) => {
      expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url);
    });

    it("should default the key prefix to 'bastion:'", () => {
      expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisKeyPrefix).toBe('bastion:');
    });

    it('should take the key prefix as given', () => {
      expect(loadConfig({ REDIS_KEY_PREFIX: 'bastion-test-42:' }).redisKeyPrefix).toBe('bastion-test-42:');
    });

    it('should read an empty key prefix as unset, like every variable, so keys are never unprefixed', () => {
      expect(loadConfig({ REDIS_KEY_PREFIX: '' }).redisKeyPrefix).toBe('bastion:');
    });

    it.each(['   ', ' \t '])('should refuse the blank key prefix %p, naming it', (value) => {
      expect(configError({ REDIS_KEY_PREFIX: value }).problems).toEqual(['REDIS_KEY_PREFIX: must not be empty']);
    });

    it('should not repeat a REDIS_URL, which may hold a password, in its error', () => {
      const error = configError({ REDIS_URL: 'http://:Sup3rS3cret@cache:6379' });

      expect(error.problems).toEqual([expect.stringMatching(/^REDIS_URL: /)]);
      expect(error.message).not.toContain('Sup3rS3cret');
    });
  });

  describe('KEY_ENCRYPTION_SECRET', () => {
    it('should be optional outside production', () => {
      expect(loadConfig({ NODE_ENV: 'development' }).keyEncryptionSecret).toBeNull();
    });

    it('should be required when NODE_ENV=production', () => {
      const error = configError({ NODE_ENV: 'production', SMTP_URL });

      expect(error.problems).toEqual(['KEY_ENCRYPTION_SECRET: required when NODE_ENV=production']);
    });

    it('should be refused in production when shorter than 32 characters', () => {
      const error = configError({
        NODE_ENV: 'production',
        SMTP_URL,
        KEY_ENCRYPTION_SECRET: STRONG_SECRET.slice(0, 31),
      });

      expect(error.problems).toEqual(['KEY_ENCRYPTION_SECRET: must be at least 32 characters']);
    });

    it.each([
      'changeme-changeme-changeme-changeme',
      'CHANGE_ME_before_going_to_production_1234',
      'my-super-secret-key-encryption-value-xyz',
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      '01234567890123456789012345678901234',
    ])('should refuse the placeholder %p in production', (secret) => {
      expect(namedVariables({ NODE_ENV: 'production', SMTP_URL, KEY_ENCRYPTION_SECRET: secret })).toEqual([
        'KEY_ENCRYPTION_SECRET',
      ]);
    });

    it('should refuse a placeholder outside production too', () => {
      expect(namedVariables({ KEY_ENCRYPTION_SECRET: 'changeme'.repeat(5) })).toEqual(['KEY_ENCRYPTION_SECRET']);
    });

    it('should not echo the secret in the message', () => {
      const secret = 'changeme-but-nobody-ever-does-it-right';

      expect(configError({ NODE_ENV: 'production', SMTP_URL, KEY_ENCRYPTION_SECRET: secret }).message).not.toContain(
        secret,
      );
    });

    it.each([
      ['a repeated group', 'Ab1!'.repeat(10)],
      ['digits only', '40271938561029384756102938475610'],
      ['a run', 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ])('should refuse a predictable secret (%s) in production, without echoing it', (_label, secret) => {
      const error = configError({ NODE_ENV: 'production', SMTP_URL, KEY_ENCRYPTION_SECRET: secret });

      expect(error.problems).toEqual([expect.stringMatching(/^KEY_ENCRYPTION_SECRET: too predictable for production/)]);
      expect(error.message).not.toContain(secret);
    });

    it('should let a predictable secret of 32 characters or more through outside production', () => {
      expect(loadConfig({ KEY_ENCRYPTION_SECRET: 'Ab1!'.repeat(10) }).keyEncryptionSecret).toBe('Ab1!'.repeat(10));
    });

    it('should accept a strong secret in production', () => {
      const config = loadConfig({ NODE_ENV: 'production', SMTP_URL, KEY_ENCRYPTION_SECRET: STRONG_SECRET });

      expect(config.production).toBe(true);
      expect(config.keyEncryptionSecret).toBe(STRONG_SECRET);
    });
  });

  describe('METRICS_TOKEN', () => {
    const production = { NODE_ENV: 'production', SMTP_URL, KEY_ENCRYPTION_SECRET: STRONG_SECRET };

    it('should accept a strong token in production', () => {
      expect(loadConfig({ ...production, METRICS_TOKEN }).metrics).toEqual({ enabled: true, token: METRICS_TOKEN });
    });

    it.each([
      ['shorter than 32 characters', METRICS_TOKEN.slice(0, 31), /must be at least 32 characters/],
      ['a placeholder', 'change-me-change-me-change-me-change-me', /placeholder/],
      ['predictable', 'Ab1!'.repeat(10), /too predictable for production/],
      ['with a space', `${METRICS_TOKEN} x`, /printable ASCII without spaces/],
      ['with a non-ASCII character', `${METRICS_TOKEN}é`, /printable ASCII without spaces/],
    ])('should refuse a token %s in production, without echoing it', (_label, token, reason) => {
      const error = configError({ ...production, METRICS_TOKEN: token });

      expect(error.problems).toEqual([expect.stringMatching(/^METRICS_TOKEN: /)]);
      expect(error.problems[0]).toMatch(reason);
      expect(error.message).not.toContain(token);
    });

    it('should let a predictable token of 32 characters or more through outside production', () => {
      expect(loadConfig({ METRICS_TOKEN: 'Ab1!'.repeat(10) }).metrics.token).toBe('Ab1!'.repeat(10));
    });
  });

  describe('LOG_FORMAT', () => {
    it('should default to json in production', () => {
      expect(loadConfig({ NODE_ENV: 'production', SMTP_URL, KEY_ENCRYPTION_SECRET: STRONG_SECRET }).log.format).toBe(
        'json',
      );
    });

    it('should default to pretty outside production', () => {
      expect(loadConfig({ NODE_ENV: 'development' }).log.format).toBe('pretty');
    });
  });

  describe('SWAGGER_ENABLED', () => {
    it('should default to false in production', () => {
      expect(
        loadConfig({ NODE_ENV: 'production', SMTP_URL, KEY_ENCRYPTION_SECRET: STRONG_SECRET }).swaggerEnabled,
      ).toBe(false);
    });

    it('should default to true outside production', () => {
      expect(loadConfig({ NODE_ENV: 'test' }).swaggerEnabled).toBe(true);
    });

    it('should be switched on in production when asked', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        SMTP_URL,
        KEY_ENCRYPTION_SECRET: STRONG_SECRET,
        SWAGGER_ENABLED: 'true',
      });

      expect(config.swaggerEnabled).toBe(true);
    });
  });

  describe('ADMIN_EMAIL and ADMIN_PASSWORD', () => {
    it('should fail with ADMIN_EMAIL alone', () => {
      expect(configError({ ADMIN_EMAIL: 'root@example.org' }).problems).toEqual([
        'ADMIN_EMAIL, ADMIN_PASSWORD: set both or neither',
      ]);
    });

    it('should fail with ADMIN_PASSWORD alone', () => {
      expect(configError({ ADMIN_PASSWORD: 'a long admin passphrase' }).problems).toEqual([
        'ADMIN_EMAIL, ADMIN_PASSWORD: set both or neither',
      ]);
    });

    it('should refuse an ADMIN_EMAIL that is not an email address', () => {
      expect(namedVariables({ ADMIN_EMAIL: 'root', ADMIN_PASSWORD: 'a long admin passphrase' })).toEqual([
        'ADMIN_EMAIL',
      ]);
    });

    it.each([7, 129])('should refuse an ADMIN_PASSWORD of %p characters', (length) => {
      expect(namedVariables({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD: 'p'.repeat(length) })).toEqual([
        'ADMIN_PASSWORD',
      ]);
    });

    it.each([
      ['a common password, in any case', 'root@example.org', 'PassWord1', COMMON_PASSWORD_PROBLEM],
      ['the local part of ADMIN_EMAIL', 'operator@example.org', 'the operator of bastion', LOCAL_PART_PROBLEM],
    ])('should stop with one line naming ADMIN_PASSWORD for %s', (_label, email, password, problem) => {
      const error = configError({ ADMIN_EMAIL: email, ADMIN_PASSWORD: password });

      expect(error.problems).toEqual([`ADMIN_PASSWORD: ${problem}`]);
      expect(error.message).toBe(`Invalid configuration: ADMIN_PASSWORD: ${problem}`);
    });

    it('should not echo the admin password in the message', () => {
      const password = 'shorty';

      expect(configError({ ADMIN_EMAIL: 'root@example.org', ADMIN_PASSWORD: password }).message).not.toContain(
        password,
      );
    });
  });

  describe('REFRESH_TOKEN_IDLE_TTL', () => {
    it('should fail when longer than REFRESH_TOKEN_TTL', () => {
      expect(configError({ REFRESH_TOKEN_TTL: '1d', REFRESH_TOKEN_IDLE_TTL: '2d' }).problems).toEqual([
        'REFRESH_TOKEN_IDLE_TTL: must not be longer than REFRESH_TOKEN_TTL',
      ]);
    });

    it('should be allowed to equal REFRESH_TOKEN_TTL', () => {
      const config = loadConfig({ REFRESH_TOKEN_TTL: '1d', REFRESH_TOKEN_IDLE_TTL: '24h' });

      expect(config.refreshToken).toEqual({ ttlSeconds: 86400, idleTtlSeconds: 86400, reuseIntervalSeconds: 10 });
    });

    it('should fail against the default REFRESH_TOKEN_TTL', () => {
      expect(namedVariables({ REFRESH_TOKEN_IDLE_TTL: '31d' })).toEqual(['REFRESH_TOKEN_IDLE_TTL']);
    });

    it.each([
      ['1d', 86400],
      ['3600s', 3600],
      ['7d', 7 * 86400],
    ])('should default to REFRESH_TOKEN_TTL=%s when that is shorter than 7 days', (ttl, idleTtlSeconds) => {
      expect(loadConfig({ REFRESH_TOKEN_TTL: ttl }).refreshToken.idleTtlSeconds).toBe(idleTtlSeconds);
    });

    it('should default to 7 days under a longer REFRESH_TOKEN_TTL', () => {
      expect(loadConfig({ REFRESH_TOKEN_TTL: '90d' }).refreshToken).toEqual({
        ttlSeconds: 90 * 86400,
        idleTtlSeconds: 7 * 86400,
        reuseIntervalSeconds: 10,
      });
    });

    it('should name both variables when an explicit pair conflicts', () => {
      const [problem] = configError({ REFRESH_TOKEN_TTL: '1d', REFRESH_TOKEN_IDLE_TTL: '7d' }).problems;

      expect(problem).toMatch(/^REFRESH_TOKEN_IDLE_TTL: .*REFRESH_TOKEN_TTL/);
    });
  });

  describe('REFRESH_TOKEN_REUSE_INTERVAL', () => {
    it('should accept 0 as strict', () => {
      expect(loadConfig({ REFRESH_TOKEN_REUSE_INTERVAL: '0' }).refreshToken.reuseIntervalSeconds).toBe(0);
    });

    it('should name the variable when out of range or not a duration', () => {
      expect(namedVariables({ REFRESH_TOKEN_REUSE_INTERVAL: '5m' })).toEqual(['REFRESH_TOKEN_REUSE_INTERVAL']);
      expect(namedVariables({ REFRESH_TOKEN_REUSE_INTERVAL: 'soon' })).toEqual(['REFRESH_TOKEN_REUSE_INTERVAL']);
    });
  });

  describe('KEY_ROTATION_INTERVAL', () => {
    it('should be off by default', () => {
      expect(loadConfig({}).keyRotationIntervalSeconds).toBeNull();
    });

    it.each(['off', 'OFF', ' Off '])('should read %p as off', (value) => {
      expect(loadConfig({ KEY_ROTATION_INTERVAL: value }).keyRotationIntervalSeconds).toBeNull();
    });

    it.each([
      ['30d', 30 * 86400],
      ['12h', 12 * 3600],
      ['60s', 60],
      ['1m', 60],
    ])('should read %p as %p seconds', (value, seconds) => {
      expect(loadConfig({ KEY_ROTATION_INTERVAL: value }).keyRotationIntervalSeconds).toBe(seconds);
    });

    it.each(['junk', 'never', '-1d', '59s', '30', '401d'])('should refuse %p with a ConfigError naming it', (value) => {
      const error = configError({ KEY_ROTATION_INTERVAL: value });

      expect(error.problems).toEqual([expect.stringMatching(/^KEY_ROTATION_INTERVAL: /)]);
      expect(error.message).toMatch(/^Invalid configuration: KEY_ROTATION_INTERVAL: [^\n]+$/);
    });
  });

  describe('NODE_ENV', () => {
    it.each(['production', 'development', 'test', undefined, ''])('should accept %p', (value) => {
      expect(loadConfig({ NODE_ENV: value, SMTP_URL, KEY_ENCRYPTION_SECRET: STRONG_SECRET }).production).toBe(
        value === 'production',
      );
    });

    it.each(['prod', 'Production', 'staging', 'dev'])(
      'should refuse %p, naming NODE_ENV and the allowed values',
      (value) => {
        expect(configError({ NODE_ENV: value }).problems).toEqual([
          `NODE_ENV: "${value}" is not one of production, development, test (or unset)`,
        ]);
      },
    );
  });

  describe('unknown variables', () => {
    it.each([
      ['JWT_ALGORTHM', 'JWT_ALGORITHM'],
      ['jwt_algorithm', 'JWT_ALGORITHM'],
      ['REFRESH_TOKEN_IDEL_TTL', 'REFRESH_TOKEN_IDLE_TTL'],
      ['ACCESS_TOKEN_TTLS', 'ACCESS_TOKEN_TTL'],
      ['KEY_ENCRYPTON_SECRET', 'KEY_ENCRYPTION_SECRET'],
      ['SWAGGER_ENABLE', 'SWAGGER_ENABLED'],
      ['DATABSE_URL', 'DATABASE_URL'],
    ])('should stop the start for %s, suggesting %s', (typo, known) => {
      expect(configError({ [typo]: 'x' }).problems).toEqual([
        `${typo}: not a variable of this service; did you mean ${known}? Rename or unset it`,
      ]);
    });

    it.each(['JWT_SECRET', 'REDIS_PASSWORD', 'DATABASE_HOST', 'RATE_LIMIT_LOGIN', 'SMTP_HOST', 'MFA_ISSUER'])(
      'should stop the start for %s, unknown under one of our prefixes',
      (name) => {
        expect(namedVariables({ [name]: 'x' })).toEqual([name]);
      },
    );

    it('should know every variable loadConfig reads, including one that matters only sometimes', () => {
      expect(() =>
        loadConfig({ DATABASE_URL: 'sqlite::memory:', DATABASE_POOL_SIZE: '5', DATABASE_STATEMENT_TIMEOUT: '5s' }),
      ).not.toThrow();
    });

    it.each([
      'HOME',
      'HOSTNAME',
      'PATH',
      'LANG',
      'NODE_OPTIONS',
      'UV_THREADPOOL_SIZE',
      'TEST_DATABASE_URL',
      'npm_config_cache',
      // Kubernetes' variables for services named redis and database
      'REDIS_PORT',
      'REDIS_SERVICE_HOST',
      'REDIS_SERVICE_PORT',
      'REDIS_PORT_6379_TCP_ADDR',
      'DATABASE_PORT_5432_TCP',
    ])('should leave %s alone', (name) => {
      expect(() => loadConfig({ [name]: 'x' })).not.toThrow();
    });
  });

  describe('AUDIT_RETENTION', () => {
    it.each([
      ['90d', 90 * 86400],
      ['24h', 86400],
      ['off', null],
      [' OFF ', null],
    ])('should read %p', (value, seconds) => {
      expect(loadConfig({ AUDIT_RETENTION: value }).auditRetentionSeconds).toBe(seconds);
    });
  });

  describe('mail', () => {
    it('should be required in production, naming SMTP_URL', () => {
      const error = configError({ NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: STRONG_SECRET });

      expect(error.problems).toEqual([expect.stringMatching(/^SMTP_URL: required when NODE_ENV=production/)]);
    });

    it('should run without mail in production only when told SMTP_URL=none', () => {
      const config = loadConfig({ NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: STRONG_SECRET, SMTP_URL: 'None' });

      expect(config.mail).toMatchObject({ delivery: 'none', smtpUrl: null });
    });

    it('should refuse SMTP_URL=none with REQUIRE_EMAIL_VERIFICATION=true', () => {
      expect(namedVariables({ SMTP_URL: 'none', REQUIRE_EMAIL_VERIFICATION: 'true' })).toEqual(['SMTP_URL']);
    });

    it('should not repeat the SMTP password when the URL is bad', () => {
      expect(configError({ SMTP_URL: 'http://user:s3cr3t-pass@mail' }).message).not.toContain('s3cr3t-pass');
    });

    it('should point links at the issuer origin unless APP_URL says otherwise', () => {
      expect(loadConfig({ JWT_ISSUER: 'https://auth.example.org/realm' }).mail.appUrl).toBe('https://auth.example.org');
      expect(loadConfig({ APP_URL: 'https://app.example.org/' }).mail.appUrl).toBe('https://app.example.org');
    });
  });
});
