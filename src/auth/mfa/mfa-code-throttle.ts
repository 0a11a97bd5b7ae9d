import { Injectable } from '@nestjs/common';
import type { ClientInfo } from '../../common/http/client-info';
import { AttemptLimiter } from '../../throttle/attempt-limiter';
import { AttemptKey } from '../../throttle/attempt-store';
import { MFA_LIMITS } from '../../throttle/limits';

/**
 * The counters of one second-factor check: the (account, client) pair, and the account across clients unless the
 * client holds the account's device token. The account key is what a fresh mfaToken per guess cannot get around.
 */
export function mfaKeys(userId: string, client: ClientInfo, trustedDevice: boolean): AttemptKey[] {
  const pair = { id: `mfa-pair:${client.ip ?? 'unknown'}|${userId}`, freeAttempts: MFA_LIMITS.pair };
  return trustedDevice ? [pair] : [pair, { id: `mfa-account:${userId}`, freeAttempts: MFA_LIMITS.account }];
}

/** Counts second-factor checks before they run, like logins: a wrong code counts, a right one clears the counts. */
@Injectable()
export class MfaCodeThrottle {
  constructor(private readonly limiter: AttemptLimiter) {}

  /** Runs the check unless a key must wait (then a 429); returns what the check returned. */
  async verify<T>(keys: AttemptKey[], check: () => Promise<T | null>): Promise<T | null> {
    const attempt = await this.limiter.reserve(keys);
    const result = await check();
    if (result !== null) {
      await attempt.reset(...keys.map((key) => key.id));
    }
    return result;
  }
}
