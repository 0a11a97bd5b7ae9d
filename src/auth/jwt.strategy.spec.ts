import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TestingModule } from '@nestjs/testing';
import { sign } from 'jsonwebtoken';
import { Role } from '../common/role';
import { FakeClock } from '../../test/doubles/fake-clock';
import type { AuthUser } from './decorators/auth-user';
import { INVALID_ACCESS_TOKEN, JwtAuthGuard } from './guards/jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { passThroughLock } from '../../test/doubles/pass-through-lock';
import { RedisService } from '../redis/redis.service';
import { KeyRing } from './keys/key-ring.service';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { generateKey } from './keys/key-material';
import { SigningKeysRepository } from './keys/signing-keys.repository';
import { createKeyRingTestingModule } from '../../test/doubles/key-ring-testing-module';
import { RevocationsRepository } from './revocations/revocations.repository';
import { RevocationsService } from './revocations/revocations.service';
import { InMemoryRevocations } from '../../test/doubles/in-memory-revocations';
import { AccessTokensService } from './tokens/access-tokens.service';
import { AuthMethod } from './tokens/auth-method';

const ISSUER = 'https://auth.example.org';
const AUDIENCE = 'orders-api';
const TTL_SECONDS = 900;
const SUBJECT = {
  userId: '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60',
  sessionId: 'a1e2c3d4-0000-4000-8000-000000000002',
  roles: [Role.User],
  amr: [AuthMethod.Password],
};

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: SUBJECT.userId,
    aud: AUDIENCE,
    iat: 1_800_000_000,
    nbf: 1_800_000_000,
    exp: 1_800_000_000 + TTL_SECONDS,
    jti: 'b1e2c3d4-0000-4000-8000-000000000001',
    sid: SUBJECT.sessionId,
    client_id: 'bastion',
    roles: [Role.Admin, Role.User],
    amr: [AuthMethod.Password, AuthMethod.Otp],
    ...overrides,
  };
}

function httpContext(request: object): ExecutionContext {
  class AnyController {
    handler(): void {}
  }
  return {
    getHandler: () => AnyController.prototype.handler,
    getClass: () => AnyController,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}), getNext: () => undefined }),
  } as unknown as ExecutionContext;
}

function createStrategyModule(clock: FakeClock): Promise<TestingModule> {
  return createKeyRingTestingModule({
    providers: [
      JwtStrategy,
      AccessTokensService,
      RevocationsService,
      { provide: RevocationsRepository, useValue: new InMemoryRevocations() },
    ],
    env: { JWT_ALGORITHM: 'ES256', JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE },
    clock,
  });
}

describe('JwtStrategy', () => {
  let moduleRef: TestingModule;
  let strategy: JwtStrategy;
  let tokens: AccessTokensService;
  let ring: KeyRing;
  let revocations: RevocationsService;
  let clock: FakeClock;
  let guard: JwtAuthGuard;

  beforeEach(async () => {
    clock = new FakeClock();
    moduleRef = await createStrategyModule(clock);
    ring = moduleRef.get(KeyRing);
    strategy = moduleRef.get(JwtStrategy);
    tokens = moduleRef.get(AccessTokensService);
    revocations = moduleRef.get(RevocationsService);
    guard = new JwtAuthGuard(new Reflector());
  });

  describe('validate', () => {
    beforeEach(() => {
      clock.set(new Date(1_800_000_000 * 1000));
    });

    it('should map the claims to the caller', () => {
      expect(strategy.validate(claims())).toEqual<AuthUser>({
        id: SUBJECT.userId,
        sessionId: SUBJECT.sessionId,
        tokenId: 'b1e2c3d4-0000-4000-8000-000000000001',
        roles: [Role.Admin, Role.User],
        amr: [AuthMethod.Password, AuthMethod.Otp],
        expiresAt: 1_800_000_000 + TTL_SECONDS,
      });
    });

    it.each(['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', 'sid', 'client_id', 'roles'])(
      'should reject a payload without %s',
      (claim) => {
        const payload = claims();
        delete payload[claim];

        expect(strategy.validate(payload)).toBe(false);
      },
    );

    it('should reject a payload living longer than the configured access-token lifetime', () => {
      expect(strategy.validate(claims({ exp: 1_800_000_000 + TTL_SECONDS + 1 }))).toBe(false);
    });

    it('should reject a payload of another client_id', () => {
      expect(strategy.validate(claims({ client_id: 'another-client' }))).toBe(false);
    });

    it('should accept an iat up to the clock tolerance ahead of the clock and reject a later one', () => {
      const ahead = (seconds: number) => 1_800_000_000 + seconds;

      expect(strategy.validate(claims({ iat: ahead(1), nbf: ahead(1), exp: ahead(1) + TTL_SECONDS }))).not.toBe(false);
      expect(strategy.validate(claims({ iat: ahead(2), nbf: ahead(2), exp: ahead(2) + TTL_SECONDS }))).toBe(false);
    });

    it('should reject an unknown role', () => {
      expect(strategy.validate(claims({ roles: ['root'] }))).toBe(false);
    });

    it('should reject a payload whose session has been revoked', async () => {
      await revocations.revokeSessions([SUBJECT.sessionId]);

      expect(strategy.validate(claims())).toBe(false);
      expect(strategy.validate(claims({ sid: 'c1e2c3d4-0000-4000-8000-000000000003' }))).not.toBe(false);
    });

    it('should reject a payload issued before its user was cut off', async () => {
      clock.set(new Date((1_800_000_000 + 1) * 1000));
      await revocations.revokeUser(SUBJECT.userId);

      expect(strategy.validate(claims())).toBe(false);
      expect(strategy.validate(claims({ sub: 'another-user' }))).not.toBe(false);
    });
  });

  describe('through the JwtAuthGuard', () => {
    const authenticate = async (token: string): Promise<{ user?: AuthUser }> => {
      const request: { headers: Record<string, string>; user?: AuthUser } = {
        headers: { authorization: `Bearer ${token}` },
      };
      await guard.canActivate(httpContext(request));
      return request;
    };

    const forge = (payload: Record<string, unknown>, header: Record<string, unknown> = {}): string =>
      sign(payload, ring.activeKey.signingKey, {
        algorithm: 'ES256',
        header: { alg: 'ES256', kid: ring.activeKey.kid, typ: 'at+jwt', ...header },
      });

    const now = (): number => Math.floor(Date.now() / 1000);

    it('should accept a token the service issued and set the caller on the request', async () => {
      const request = await authenticate(tokens.issue(SUBJECT));

      expect(request.user).toEqual<AuthUser>({
        id: SUBJECT.userId,
        sessionId: SUBJECT.sessionId,
        tokenId: expect.any(String),
        roles: [Role.User],
        amr: [AuthMethod.Password],
        expiresAt: clock.nowSeconds() + TTL_SECONDS,
      });
    });

    it('should accept the scheme in lower case', async () => {
      const request: { headers: Record<string, string>; user?: AuthUser } = {
        headers: { authorization: `bearer ${tokens.issue(SUBJECT)}` },
      };

      await expect(guard.canActivate(httpContext(request))).resolves.toBe(true);
      expect(request.user?.id).toBe(SUBJECT.userId);
    });

    it('should accept a token with typ application/at+jwt', async () => {
      const token = forge(claims({ iat: now(), nbf: now(), exp: now() + TTL_SECONDS }), { typ: 'application/at+jwt' });

      await expect(authenticate(token)).resolves.toMatchObject({ user: { id: SUBJECT.userId } });
    });

    it('should reject a request without a token', async () => {
      await expect(guard.canActivate(httpContext({ headers: {} }))).rejects.toThrow(
        new UnauthorizedException(INVALID_ACCESS_TOKEN),
      );
    });

    it('should reject an expired token', async () => {
      clock.advanceSeconds(-(TTL_SECONDS + 60));

      await expect(authenticate(tokens.issue(SUBJECT))).rejects.toThrow(INVALID_ACCESS_TOKEN);
    });

    it('should accept a token up to the clock tolerance ahead and reject one further ahead', async () => {
      clock.advanceSeconds(1);
      const slightlyAhead = tokens.issue(SUBJECT);
      clock.advanceSeconds(9);
      const farAhead = tokens.issue(SUBJECT);

      await expect(authenticate(slightlyAhead)).resolves.toMatchObject({ user: { id: SUBJECT.userId } });
      await expect(authenticate(farAhead)).rejects.toThrow(INVALID_ACCESS_TOKEN);
    });

    it.each([
      ['another issuer', (_iat: number) => ({ iss: 'https://evil.example' })],
      ['another audience', (_iat: number) => ({ aud: 'billing-api' })],
      ['a missing sid', (_iat: number) => ({ sid: undefined })],
      ['a lifetime longer than configured', (iat: number) => ({ exp: iat + TTL_SECONDS + 1 })],
    ])('should reject a token with %s', async (_label, overrides) => {
      const iat = now();
      const payload = claims({ iat, nbf: iat, exp: iat + TTL_SECONDS, ...overrides(iat) });

      await expect(authenticate(forge(payload))).rejects.toThrow(INVALID_ACCESS_TOKEN);
    });

    it.each([
      ['typ JWT', { typ: 'JWT' }],
      ['a jku', { jku: 'https://evil.example/jwks.json' }],
      ['an unknown kid', { kid: 'not-in-the-ring' }],
    ])('should reject a validly signed token whose header has %s', async (_label, header) => {
      const iat = now();

      await expect(authenticate(forge(claims({ iat, nbf: iat, exp: iat + TTL_SECONDS }), header))).rejects.toThrow(
        INVALID_ACCESS_TOKEN,
      );
    });

    it('should reject a token signed by a key outside the ring under a ring kid', async () => {
      const outsider = await generateKey('ES256');
      const iat = now();
      const token = sign(claims({ iat, nbf: iat, exp: iat + TTL_SECONDS }), outsider.signingKey, {
        algorithm: 'ES256',
        header: { alg: 'ES256', kid: ring.activeKey.kid, typ: 'at+jwt' },
      });

      await expect(authenticate(token)).rejects.toThrow(INVALID_ACCESS_TOKEN);
    });

    it('should reject an HS256 token keyed with the public key (algorithm confusion)', async () => {
      const publicPem = ring.activeKey.verificationKey.export({ format: 'pem', type: 'spki' });
      const iat = now();
      const header = { alg: 'HS256', kid: ring.activeKey.kid, typ: 'at+jwt' };
      const token = sign(claims({ iat, nbf: iat, exp: iat + TTL_SECONDS }), publicPem, { algorithm: 'HS256', header });

      await expect(authenticate(token)).rejects.toThrow(INVALID_ACCESS_TOKEN);
    });

    it('should reject the token of an ended session on the very next request', async () => {
      const token = tokens.issue(SUBJECT);
      await expect(authenticate(token)).resolves.toMatchObject({ user: { id: SUBJECT.userId } });

      await revocations.revokeSessions([SUBJECT.sessionId]);

      await expect(authenticate(token)).rejects.toThrow(new UnauthorizedException(INVALID_ACCESS_TOKEN));
    });

    it('should reject every earlier token of a cut-off user and accept one issued afterwards', async () => {
      const before = tokens.issue(SUBJECT);
      clock.advanceSeconds(1);
      await revocations.revokeUser(SUBJECT.userId);
      const after = tokens.issue({ ...SUBJECT, sessionId: 'd1e2c3d4-0000-4000-8000-000000000004' });

      await expect(authenticate(before)).rejects.toThrow(INVALID_ACCESS_TOKEN);
      await expect(authenticate(after)).resolves.toMatchObject({ user: { id: SUBJECT.userId } });
    });

    it('should accept a token signed by a key another instance has just made', async () => {
      const otherInstance = new KeyRing(
        moduleRef.get(AppConfig),
        moduleRef.get<SigningKeysRepository>(SigningKeysRepository),
        moduleRef.get(Clock),
        passThroughLock,
        moduleRef.get(RedisService),
      );
      await otherInstance.onModuleInit();
      // Later than the ring's own key, as a rotation elsewhere would be.
      clock.advanceSeconds(1);
      // Rotated twice: the first promotes the next key this ring already knows, the second one it has never seen.
      await otherInstance.rotate();
      const kid = await otherInstance.rotate();
      const iat = now();
      const token = sign(claims({ iat, nbf: iat, exp: iat + TTL_SECONDS }), otherInstance.activeKey.signingKey, {
        algorithm: 'ES256',
        header: { alg: 'ES256', kid, typ: 'at+jwt' },
      });
      expect(ring.verificationKey(kid)).toBeUndefined();
      // Past the ring's pause between unknown-kid reloads, which earlier tests may have started.
      clock.advanceSeconds(3);

      await expect(authenticate(token)).resolves.toMatchObject({ user: { id: SUBJECT.userId } });
      expect(ring.verificationKey(kid)).toBeDefined();
    });

    it('should reject an unsigned token (alg none)', async () => {
      const iat = now();
      const header = { alg: 'none', kid: ring.activeKey.kid, typ: 'at+jwt' };
      const token = sign(claims({ iat, nbf: iat, exp: iat + TTL_SECONDS }), '', { algorithm: 'none', header });

      await expect(authenticate(token)).rejects.toThrow(INVALID_ACCESS_TOKEN);
    });
  });
});
