import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Clock } from '../src/common/clock';
import { ADMIN_ENV, LoggedInUser, loginAsAdmin, newUser, register, TokenBody } from './factories/users';
import { auditPage } from './utils/audit';
import { createTestApp } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { api, bearer, fromAddress } from './utils/http';
import { sidOf } from './utils/sessions';

/** The address every request of the "load balancer" leaves from. */
const BALANCER = '127.0.0.1';

interface Origin {
  /** The TCP peer: the balancer, or a client that reaches the service directly. */
  peer: string;
  forwardedFor?: string;
}

/**
 * Who the client is: the TCP peer by default; with TRUST_PROXY, the address the trusted proxies forwarded. Sessions,
 * the audit log and the login limits all see the same, normalised, address.
 */
describe('The client address (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: LoggedInUser;

  const start = async (env: Record<string, string>, clock?: FakeClock) => {
    app = await createTestApp({
      env: { ...ADMIN_ENV, ...env },
      override: clock ? (builder) => builder.overrideProvider(Clock).useValue(clock) : undefined,
    });
    admin = await loginAsAdmin(app);
  };

  const loginFrom = (origin: Origin, email: string, password: string) => {
    const call = api(app).post('/api/v1/auth/login').agent(fromAddress(origin.peer));
    return (origin.forwardedFor === undefined ? call : call.set('X-Forwarded-For', origin.forwardedFor)).send({
      email,
      password,
    });
  };

  /** Logs a new user in from this origin; answers the address its session and its login.succeeded event record. */
  const recordedAddresses = async (origin: Origin): Promise<{ session: unknown; audit: unknown }> => {
    const { user, email, password } = await register(app);
    const tokens = (await loginFrom(origin, email, password).expect(200)).body as TokenBody;
    const sessions = (await api(app).get('/api/v1/auth/sessions').set(bearer(tokens.accessToken)).expect(200)).body as {
      id: string;
      ip: string | null;
    }[];
    const page = await auditPage(app, admin.tokens.accessToken, { type: 'login.succeeded', userId: user.id });
    return { session: sessions.find((session) => session.id === sidOf(tokens))?.ip, audit: page.items[0]?.ip };
  };

  const expectRecorded = async (origin: Origin, address: string) => {
    await expect(recordedAddresses(origin)).resolves.toEqual({ session: address, audit: address });
  };

  afterEach(async () => {
    await app.close();
  });

  describe('without TRUST_PROXY', () => {
    beforeEach(() => start({}));

    it('should record the TCP peer and ignore a spoofed X-Forwarded-For', async () => {
      await expectRecorded({ peer: '127.0.0.5', forwardedFor: '203.0.113.9' }, '127.0.0.5');
      await expectRecorded({ peer: BALANCER, forwardedFor: '198.51.100.1, 203.0.113.9' }, BALANCER);
    });
  });

  describe('with TRUST_PROXY listing the balancer', () => {
    it('should tell two clients behind the balancer apart: ten failures by one do not hold back the other', async () => {
      // The clock stands still, so a block cannot run out between the failures and the logins that check it.
      await start({ TRUST_PROXY: `${BALANCER},10.0.0.0/8`, RATE_LIMIT_ENABLED: 'true' }, new FakeClock());
      const attacker: Origin = { peer: BALANCER, forwardedFor: '198.51.100.1' };
      const neighbour: Origin = { peer: BALANCER, forwardedFor: '198.51.100.2' };
      const account = await register(app);
      const attackersOwn = await register(app);

      for (let failure = 0; failure < 10; failure++) {
        // Unknown accounts, so only the client's own count grows.
        const { status } = await loginFrom(attacker, newUser().email, 'wrong password, wrong account');
        expect([401, 429]).toContain(status);
      }

      expect((await loginFrom(attacker, attackersOwn.email, attackersOwn.password)).status).toBe(429);
      await loginFrom(neighbour, account.email, account.password).expect(200);
    });

    it('should record the forwarded address, normalised', async () => {
      await start({ TRUST_PROXY: `${BALANCER},10.0.0.0/8` });

      await expectRecorded({ peer: BALANCER, forwardedFor: '198.51.100.2' }, '198.51.100.2');
      await expectRecorded({ peer: BALANCER, forwardedFor: '203.0.113.9, 10.1.2.3' }, '203.0.113.9');
      await expectRecorded({ peer: BALANCER, forwardedFor: '::ffff:198.51.100.3' }, '198.51.100.3');
      await expectRecorded({ peer: BALANCER, forwardedFor: '2001:db8:1:2:aaaa::7' }, '2001:db8:1:2::/64');
      // Not an address at all: the client is the proxy that sent it, never a client of its own making.
      await expectRecorded({ peer: BALANCER, forwardedFor: 'evil<script>' }, BALANCER);
    });

    it('should ignore the X-Forwarded-For of a peer that is not a trusted proxy', async () => {
      await start({ TRUST_PROXY: `${BALANCER},10.0.0.0/8` });

      await expectRecorded({ peer: '127.0.0.5', forwardedFor: '198.51.100.2' }, '127.0.0.5');
    });
  });

  describe('with TRUST_PROXY as a hop count', () => {
    beforeEach(() => start({ TRUST_PROXY: '2' }));

    it('should take the address that many hops back, whatever the client put before it', async () => {
      await expectRecorded({ peer: BALANCER, forwardedFor: '203.0.113.66, 198.51.100.8, 10.0.0.1' }, '198.51.100.8');
      await expectRecorded({ peer: '127.0.0.5', forwardedFor: '198.51.100.9, 10.0.0.1' }, '198.51.100.9');
    });
  });
});
