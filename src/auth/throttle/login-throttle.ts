import { Injectable } from '@nestjs/common';
import type { ClientInfo } from '../../common/http/client-info';
import { AttemptKey } from '../../throttle/attempt-store';
import { AttemptLimiter, ReservedAttempt } from '../../throttle/attempt-limiter';
import { LOGIN_LIMITS } from '../../throttle/limits';
import { DeviceTokensService } from '../device-tokens/device-tokens.service';

export interface LoginCredentials {
  email: string;
  deviceToken?: string;
}

/** The counters of one login: its (account, client) pair, its client, and, without a device token, its account. */
export function loginKeys(email: string, ip: string, withAccount: boolean): AttemptKey[] {
  const keys = [
    { id: `login-pair:${ip}|${email}`, freeAttempts: LOGIN_LIMITS.pair },
    { id: `login-client:${ip}`, freeAttempts: LOGIN_LIMITS.client },
  ];
  return withAccount ? [...keys, { id: `login-account:${email}`, freeAttempts: LOGIN_LIMITS.account }] : keys;
}

/** A login counted before its password is checked; a failure needs nothing more, a success settles it. */
export class LoginAttempt {
  constructor(
    private readonly attempt: ReservedAttempt,
    private readonly keys: AttemptKey[],
    private readonly deviceToken: string | null,
    private readonly deviceTokens: DeviceTokensService,
  ) {}

  /**
   * Forgets the failures of the pair and the account, and takes this attempt back from the client (so that signing
   * in to one's own account does not wipe a client's failures against others). Returns this account's device token,
   * or null when none could be stored.
   */
  async succeeded(userId: string): Promise<string | null> {
    await this.passwordAccepted();
    return this.deviceToken ?? this.deviceTokens.issue(userId);
  }

  /** Settles the counts like a success, but issues no device token: the second factor is still to come. */
  async passwordAccepted(): Promise<void> {
    const [pair, client, account] = this.keys.map((key) => key.id);
    await this.attempt.reset(pair, ...(account ? [account] : []));
    await this.attempt.release(client);
  }

  /** Whether the login presented a live device token of this account. */
  get trustedDevice(): boolean {
    return this.deviceToken !== null;
  }
}

/**
 * Slows down password guessing without letting anyone lock another user out. Failures block the (account, client)
 * pair and the client; the account as a whole is held back only after many failures from many clients, and never
 * for a client presenting a device token from an earlier successful login to it.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly limiter: AttemptLimiter,
    private readonly deviceTokens: DeviceTokensService,
  ) {}

  /**
   * After a password reset: forgets the failures against the account and those of the client that reset it (the
   * owner, who had forgotten the password). Other clients' failures against it stay counted. With no client (an
   * operator's command), only the account's count is forgotten.
   */
  async forgetAccount(email: string, client: ClientInfo | null): Promise<void> {
    const [pair, , account] = loginKeys(email, client?.ip ?? 'unknown', true);
    await this.limiter.forget(...(client ? [pair.id] : []), account.id);
  }

  /** Counts the attempt before the password is checked; throws a 429 when any of its keys must wait. */
  async reserve(credentials: LoginCredentials, client: ClientInfo): Promise<LoginAttempt> {
    const trusted =
      credentials.deviceToken !== undefined &&
      (await this.deviceTokens.isValidFor(credentials.deviceToken, credentials.email));
    const keys = loginKeys(credentials.email, client.ip ?? 'unknown', !trusted);
    const attempt = await this.limiter.reserve(keys);
    return new LoginAttempt(attempt, keys, trusted ? (credentials.deviceToken ?? null) : null, this.deviceTokens);
  }
}
