import { Injectable } from '@nestjs/common';
import type { ClientInfo } from '../../common/http/client-info';
import { AttemptLimiter } from '../../throttle/attempt-limiter';
import { AttemptKey } from '../../throttle/attempt-store';
import { MFA_LIMITS } from '../../throttle/limits';

/**
 * The counters of one second-factor check, like a login's: the (account, client) pair, the client across accounts,
 * and the account across clients unless the client holds the account's device token. The account key is what a
 * fresh mfaToken per guess cannot get around.
 */
export function mfaKeys(userId: string, client: ClientInfo, trustedDevice: boolean): AttemptKey[] {
  const ip = client.ip ?? 'unknown';
  const keys = [
    { id: `mfa-pair:${ip}|${userId}`, freeAttempts: MFA_LIMITS.pair },
    { id: `mfa-client:${ip}`, freeAttempts: MFA_LIMITS.client },
  ];
  return trustedDevice ? keys : [...keys, { id: `mfa-account:${userId}`, freeAttempts: MFA_LIMITS.account }];
}

/**
 * Counts second-factor checks before they run, like logins: a wrong code counts; a right one clears the pair and
 * the account, and takes itself back from the client (so that one's own success does not wipe a client's failures
 * against other accounts).
 */
@Injectable()
export class MfaCodeThrottle {
  constructor(private readonly limiter: AttemptLimiter) {}

  /** Runs the check unless a key must wait (then a 429); returns what the check returned. */
  async verify<T>(keys: AttemptKey[], check: () => Promise<T | null>): Promise<T | null> {
    const attempt = await this.limiter.reserve(keys);
    const result = await check();
    if (result !== null) {
      const [pair, client, account] = keys.map((key) => key.id);
      await attempt.reset(pair, ...(account ? [account] : []));
      await attempt.release(client);
    }
    return result;
  }
}
