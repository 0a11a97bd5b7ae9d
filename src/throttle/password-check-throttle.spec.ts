import { Test } from '@nestjs/testing';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Clock } from '../common/clock';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { FakeClock } from '../../test/doubles/fake-clock';
import { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { RedisService } from '../redis/redis.service';
import { AttemptLimiter } from './attempt-limiter';
import { PASSWORD_CHECK_LIMITS } from './limits';
import { PASSWORD_GUESSING_EVENT, PasswordCheckThrottle, PasswordGuessingEvent } from './password-check-throttle';
import { Metrics } from '../metrics/metrics';

const CALLER = { id: 'user-1', sessionId: 'session-1' };
const wrong = () => Promise.resolve(false);
const right = () => Promise.resolve(true);

describe('PasswordCheckThrottle', () => {
  let throttle: PasswordCheckThrottle;
  let clock: FakeClock;
  let events: { emitAsync: jest.Mock };

  beforeEach(async () => {
    clock = new FakeClock();
    events = { emitAsync: jest.fn(() => Promise.resolve([])) };
    const moduleRef = await Test.createTestingModule({
      providers: [
        PasswordCheckThrottle,
        AttemptLimiter,
        Metrics,
        RedisService,
        { provide: EventEmitter2, useValue: events },
        { provide: AppConfig, useValue: loadConfig({}) },
        { provide: Clock, useValue: clock },
      ],
    }).compile();
    throttle = moduleRef.get(PasswordCheckThrottle);
  });

  async function failTimes(times: number): Promise<void> {
    for (let attempt = 0; attempt < times;) {
      const outcome = await throttle.verify(CALLER, wrong).catch((error: TooManyRequestsException) => error);
      if (outcome instanceof TooManyRequestsException) {
        clock.advanceSeconds(outcome.retryAfterSeconds);
      } else {
        attempt++;
      }
    }
  }

  it('should answer whether the password was right', async () => {
    await expect(throttle.verify(CALLER, wrong)).resolves.toBe(false);
    await expect(throttle.verify(CALLER, right)).resolves.toBe(true);
  });

  it('should refuse with 429, without checking, once the account has used its free wrong passwords', async () => {
    await failTimes(PASSWORD_CHECK_LIMITS.account);
    const check = jest.fn(right);

    await expect(throttle.verify(CALLER, check)).rejects.toThrow(TooManyRequestsException);
    expect(check).not.toHaveBeenCalled();
  });

  it('should count per account, whichever session asks', async () => {
    await failTimes(PASSWORD_CHECK_LIMITS.account);

    await expect(throttle.verify({ ...CALLER, sessionId: 'session-2' }, right)).rejects.toThrow(
      TooManyRequestsException,
    );
    await expect(throttle.verify({ id: 'user-2', sessionId: 'session-3' }, right)).resolves.toBe(true);
  });

  it('should forget the wrong passwords after a right one', async () => {
    await failTimes(PASSWORD_CHECK_LIMITS.account - 1);
    await throttle.verify(CALLER, right);

    await failTimes(PASSWORD_CHECK_LIMITS.account - 1);
    await expect(throttle.verify(CALLER, right)).resolves.toBe(true);
  });

  it('should announce the session that made too many wrong guesses, once it has', async () => {
    await failTimes(PASSWORD_CHECK_LIMITS.sessionEndsAfter - 1);
    expect(events.emitAsync).not.toHaveBeenCalled();

    await failTimes(1);

    expect(events.emitAsync).toHaveBeenCalledWith(PASSWORD_GUESSING_EVENT, new PasswordGuessingEvent('session-1'));
  });
});
