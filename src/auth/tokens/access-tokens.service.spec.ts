import { Test } from '@nestjs/testing';
import { decode, verify } from 'jsonwebtoken';
import { Clock } from '../../common/clock';
import { Role } from '../../common/role';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { KeyRing } from '../keys/key-ring.service';
import { SigningKey } from '../keys/signing-key.entity';
import { SigningKeysRepository } from '../keys/signing-keys.repository';
import { AccessTokensService } from './access-tokens.service';

const NOW_SECONDS = 1_800_000_000;
const SUBJECT = {
  userId: '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60',
  sessionId: 'a1e2c3d4-0000-4000-8000-000000000002',
  roles: [Role.Admin, Role.User],
};

class FakeClock {
  constructor(private seconds: number) {}

  now(): Date {
    return new Date(this.seconds * 1000);
  }

  nowSeconds(): number {
    return this.seconds;
  }
}

class InMemorySigningKeys {
  rows: SigningKey[] = [];

  findUsable(): Promise<SigningKey[]> {
    return Promise.resolve(this.rows.filter((row) => row.revokedAt === null).reverse());
  }

  insert(key: Pick<SigningKey, 'kid' | 'algorithm' | 'publicKey' | 'encryptedPrivateKey'>): Promise<SigningKey> {
    const row: SigningKey = { ...key, createdAt: new Date(), retiredAt: null, revokedAt: null };
    this.rows.push(row);
    return Promise.resolve(row);
  }
}

async function createService(env: Record<string, string>): Promise<{ tokens: AccessTokensService; ring: KeyRing }> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      AccessTokensService,
      KeyRing,
      {
        provide: AppConfig,
        useValue: loadConfig({
          KEY_ENCRYPTION_SECRET: 'Jx8fQ2vNw4Lr7tYp1ZkHs9Dc3Bm6Ga5E',
          JWT_ISSUER: 'https://auth.example.org',
          JWT_AUDIENCE: 'orders-api',
          ACCESS_TOKEN_TTL: '10m',
          ...env,
        }),
      },
      { provide: Clock, useValue: new FakeClock(NOW_SECONDS) },
      { provide: SigningKeysRepository, useValue: new InMemorySigningKeys() },
    ],
  }).compile();
  const ring = moduleRef.get(KeyRing);
  await ring.onModuleInit();
  return { tokens: moduleRef.get(AccessTokensService), ring };
}

describe('AccessTokensService', () => {
  describe.each(['RS256', 'PS256', 'ES256', 'HS256'] as const)('under %s', (algorithm) => {
    let tokens: AccessTokensService;
    let ring: KeyRing;

    beforeAll(async () => {
      ({ tokens, ring } = await createService({ JWT_ALGORITHM: algorithm }));
    });

    it('should put exactly alg, kid and typ at+jwt in the header', () => {
      const { header } = decode(tokens.issue(SUBJECT), { complete: true })!;

      expect(header).toEqual({ alg: algorithm, kid: ring.activeKey.kid, typ: 'at+jwt' });
    });

    it('should carry exactly the contract claims', () => {
      const payload = decode(tokens.issue(SUBJECT), { json: true })!;

      expect(payload).toEqual({
        iss: 'https://auth.example.org',
        sub: SUBJECT.userId,
        aud: 'orders-api',
        iat: NOW_SECONDS,
        nbf: NOW_SECONDS,
        exp: NOW_SECONDS + 600,
        jti: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        sid: SUBJECT.sessionId,
        roles: [Role.Admin, Role.User],
      });
    });

    it('should be signed by the active key of the ring', () => {
      const token = tokens.issue(SUBJECT);

      expect(
        verify(token, ring.verificationKey(ring.activeKey.kid)!, {
          algorithms: [algorithm],
          clockTimestamp: NOW_SECONDS,
        }),
      ).toMatchObject({ sub: SUBJECT.userId });
    });
  });

  describe('with the default algorithm', () => {
    let tokens: AccessTokensService;

    beforeAll(async () => {
      ({ tokens } = await createService({ JWT_ALGORITHM: 'ES256' }));
    });

    it('should give every token its own jti', () => {
      const jtis = new Set(
        Array.from({ length: 5 }, () => (decode(tokens.issue(SUBJECT), { json: true }) as { jti: string }).jti),
      );

      expect(jtis.size).toBe(5);
    });

    it('should report the configured lifetime', () => {
      expect(tokens.ttlSeconds).toBe(600);
    });
  });
});
