import { Test } from '@nestjs/testing';
import { Clock } from '../../common/clock';
import type { ClientInfo } from '../../common/http/client-info';
import { TooManyRequestsException } from '../../common/http/too-many-requests.exception';
import { FakeClock } from '../../../test/doubles/fake-clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { RedisService } from '../../redis/redis.service';
import { AttemptLimiter } from '../../throttle/attempt-limiter';
import { LOGIN_LIMITS } from '../../throttle/limits';
import { DeviceTokensService } from '../device-tokens/device-tokens.service';
import { LoginCredentials, LoginThrottle } from './login-throttle';
import { Metrics } from '../../metrics/metrics';

const EMAIL = 'ada@example.org';
const DEVICE_TOKEN = 'd'.repeat(43);
const from = (ip: string): ClientInfo => ({ ip, userAgent: null });

describe('LoginThrottle', () => {
  let throttle: LoginThrottle;
  let deviceTokens: { isValidFor: jest.Mock; issue: jest.Mock };

  beforeEach(async () => {
    deviceTokens = {
      isValidFor: jest.fn((token: string, email: string) => Promise.resolve(token === DEVICE_TOKEN && email === EMAIL)),
      issue: jest.fn(() => Promise.resolve('new device token')),
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        LoginThrottle,
        AttemptLimiter,
        Metrics,
        RedisService,
        { provide: DeviceTokensService, useValue: deviceTokens },
        { provide: AppConfig, useValue: loadConfig({}) },
        { provide: Clock, useValue: new FakeClock() },
      ],
    }).compile();
    throttle = moduleRef.get(LoginThrottle);
  });

  /** Fails `times` logins (a failure settles nothing); returns how many were let through. */
  async function fail(times: number, client: ClientInfo, credentials: LoginCredentials = { email: EMAIL }) {
    let evaluated = 0;
    for (let attempt = 0; attempt < times; attempt++) {
      evaluated += await throttle.reserve(credentials, client).then(
        () => 1,
        (error: unknown) => {
          if (error instanceof TooManyRequestsException) {
            return 0;
          }
          throw error;
        },
      );
    }
    return evaluated;
  }

  const refused = (credentials: LoginCredentials, client: ClientInfo) =>
    expect(throttle.reserve(credentials, client)).rejects.toThrow(TooManyRequestsException);

  it('should block the (account, client) pair after its free failures, and not the account from elsewhere', async () => {
    await expect(fail(LOGIN_LIMITS.pair + 3, from('203.0.113.9'))).resolves.toBe(LOGIN_LIMITS.pair);

    await refused({ email: EMAIL }, from('203.0.113.9'));
    await expect(throttle.reserve({ email: EMAIL }, from('198.51.100.2'))).resolves.toBeDefined();
  });

  it('should block a client across accounts after its free failures', async () => {
    for (let attempt = 0; attempt < LOGIN_LIMITS.client; attempt++) {
      await fail(1, from('203.0.113.9'), { email: `user${attempt}@example.org` });
    }

    await refused({ email: 'one-more@example.org' }, from('203.0.113.9'));
  });

  it('should hold the account back for new clients after many failures from many, but not for its device', async () => {
    for (let client = 0; client < LOGIN_LIMITS.account / LOGIN_LIMITS.pair; client++) {
      await fail(LOGIN_LIMITS.pair, from(`203.0.113.${client + 10}`));
    }

    await refused({ email: EMAIL }, from('198.51.100.2'));
    await refused({ email: EMAIL, deviceToken: 'e'.repeat(43) }, from('198.51.100.2'));
    await expect(
      throttle.reserve({ email: EMAIL, deviceToken: DEVICE_TOKEN }, from('198.51.100.2')),
    ).resolves.toBeDefined();
  });

  it('should forget the pair and the account on success, and return the device token presented', async () => {
    await fail(LOGIN_LIMITS.pair - 1, from('203.0.113.9'));
    const attempt = await throttle.reserve({ email: EMAIL, deviceToken: DEVICE_TOKEN }, from('203.0.113.9'));

    await expect(attempt.succeeded('user-id')).resolves.toBe(DEVICE_TOKEN);

    await expect(fail(LOGIN_LIMITS.pair, from('203.0.113.9'))).resolves.toBe(LOGIN_LIMITS.pair);
    expect(deviceTokens.issue).not.toHaveBeenCalled();
  });

  it('should issue a device token to a client without one', async () => {
    const attempt = await throttle.reserve({ email: EMAIL }, from('203.0.113.9'));

    await expect(attempt.succeeded('user-id')).resolves.toBe('new device token');
    expect(deviceTokens.issue).toHaveBeenCalledWith('user-id');
  });

  it('should not let a success on one account wipe the client’s failures against others', async () => {
    for (let attempt = 0; attempt < LOGIN_LIMITS.client - 1; attempt++) {
      await fail(1, from('203.0.113.9'), { email: `user${attempt}@example.org` });
    }
    const own = await throttle.reserve({ email: EMAIL }, from('203.0.113.9'));
    await own.succeeded('user-id');

    await fail(1, from('203.0.113.9'), { email: 'next@example.org' });
    await refused({ email: 'last@example.org' }, from('203.0.113.9'));
  });
});
