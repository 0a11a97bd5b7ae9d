import { decode, verify } from 'jsonwebtoken';
import { Role } from '../../common/role';
import { FakeClock } from '../../../test/doubles/fake-clock';
import { KeyRing } from '../keys/key-ring.service';
import { createKeyRingTestingModule } from '../../../test/doubles/key-ring-testing-module';
import { AccessTokensService } from './access-tokens.service';
import { AuthMethod } from './auth-method';

const NOW_SECONDS = 1_800_000_000;
const SUBJECT = {
  userId: '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60',
  sessionId: 'a1e2c3d4-0000-4000-8000-000000000002',
  roles: [Role.Admin, Role.User],
  amr: [AuthMethod.Password, AuthMethod.Otp],
};

async function createService(env: Record<string, string>): Promise<{ tokens: AccessTokensService; ring: KeyRing }> {
  const moduleRef = await createKeyRingTestingModule({
    providers: [AccessTokensService],
    env: { JWT_ISSUER: 'https://auth.example.org', JWT_AUDIENCE: 'orders-api', ACCESS_TOKEN_TTL: '10m', ...env },
    clock: new FakeClock(new Date(NOW_SECONDS * 1000)),
  });
  return { tokens: moduleRef.get(AccessTokensService), ring: moduleRef.get(KeyRing) };
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
        client_id: 'bastion',
        roles: [Role.Admin, Role.User],
        amr: ['pwd', 'otp'],
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

  it('should carry the configured JWT_CLIENT_ID as client_id', async () => {
    const { tokens } = await createService({ JWT_ALGORITHM: 'ES256', JWT_CLIENT_ID: 'portal' });

    expect(decode(tokens.issue(SUBJECT), { json: true })).toMatchObject({ client_id: 'portal' });
  });
});
