import { AttemptLimiter } from '../../throttle/attempt-limiter';
import { MFA_LIMITS } from '../../throttle/limits';
import { MfaCodeThrottle, mfaKeys } from './mfa-code-throttle';

const USER_ID = '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60';
const CLIENT = { ip: '192.0.2.7', userAgent: null };

describe('mfaKeys', () => {
  it('should count the pair, the client and the account for a client without the device token', () => {
    expect(mfaKeys(USER_ID, CLIENT, false)).toEqual([
      { id: `mfa-pair:192.0.2.7|${USER_ID}`, freeAttempts: MFA_LIMITS.pair },
      { id: 'mfa-client:192.0.2.7', freeAttempts: MFA_LIMITS.client },
      { id: `mfa-account:${USER_ID}`, freeAttempts: MFA_LIMITS.account },
    ]);
  });

  it('should spare a client with the device token the account-wide count', () => {
    expect(mfaKeys(USER_ID, CLIENT, true)).toEqual([
      { id: `mfa-pair:192.0.2.7|${USER_ID}`, freeAttempts: MFA_LIMITS.pair },
      { id: 'mfa-client:192.0.2.7', freeAttempts: MFA_LIMITS.client },
    ]);
  });
});

describe('MfaCodeThrottle', () => {
  let reset: jest.Mock;
  let release: jest.Mock;
  let limiter: { reserve: jest.Mock };
  let throttle: MfaCodeThrottle;
  const keys = mfaKeys(USER_ID, CLIENT, false);

  beforeEach(() => {
    reset = jest.fn().mockResolvedValue(undefined);
    release = jest.fn().mockResolvedValue(undefined);
    limiter = { reserve: jest.fn().mockResolvedValue({ reset, release }) };
    throttle = new MfaCodeThrottle(limiter as unknown as AttemptLimiter);
  });

  it('should reserve the attempt before the check runs', async () => {
    const check = jest.fn(() => {
      expect(limiter.reserve).toHaveBeenCalledWith(keys);
      return Promise.resolve('totp');
    });

    await expect(throttle.verify(keys, check)).resolves.toBe('totp');
  });

  it('should clear the pair and the account after a right code, and take the attempt back from the client', async () => {
    await throttle.verify(keys, () => Promise.resolve('totp'));

    expect(reset).toHaveBeenCalledWith(`mfa-pair:192.0.2.7|${USER_ID}`, `mfa-account:${USER_ID}`);
    expect(release).toHaveBeenCalledWith('mfa-client:192.0.2.7');
  });

  it('should leave a wrong code counted', async () => {
    await expect(throttle.verify(keys, () => Promise.resolve(null))).resolves.toBeNull();

    expect(reset).not.toHaveBeenCalled();
    expect(release).not.toHaveBeenCalled();
  });

  it('should not run the check when the limiter refuses', async () => {
    limiter.reserve.mockRejectedValue(new Error('429'));
    const check = jest.fn();

    await expect(throttle.verify(keys, check)).rejects.toThrow('429');
    expect(check).not.toHaveBeenCalled();
  });
});
