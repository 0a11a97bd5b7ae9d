import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from '../sessions/refresh-token-value';
import { DeviceTokensRepository } from './device-tokens.repository';

const LIFETIME_MS = 365 * 24 * 3600 * 1000;
/** Devices remembered per account; signing in on a further one forgets the oldest. */
const KEPT_PER_ACCOUNT = 20;

/**
 * Device tokens let a client that signed in to an account before pass the account-wide login throttle, so that
 * failures from many other clients never lock the owner out. They are random like refresh tokens (256 bits).
 */
@Injectable()
export class DeviceTokensService {
  private readonly logger = new Logger(DeviceTokensService.name);

  constructor(
    private readonly tokens: DeviceTokensRepository,
    private readonly clock: Clock,
  ) {}

  /** True when the token is live and was issued to the account with this email. */
  async isValidFor(token: string, email: string): Promise<boolean> {
    if (!looksLikeRefreshToken(token)) {
      return false;
    }
    return (await this.tokens.findOwnerEmail(hashRefreshToken(token), this.clock.now())) === email;
  }

  purgeExpired(): Promise<number> {
    return this.tokens.deleteExpired(this.clock.now());
  }

  /** A new token for the user; null when it could not be stored (the user was deleted meanwhile, say). */
  async issue(userId: string): Promise<string | null> {
    const token = newRefreshToken();
    try {
      await this.tokens.insert(userId, hashRefreshToken(token), new Date(this.clock.now().getTime() + LIFETIME_MS));
      await this.tokens.keepNewest(userId, KEPT_PER_ACCOUNT);
    } catch (error) {
      // The login itself stands; the client simply has no device token this time.
      this.logger.warn(`Could not store a device token: ${(error as Error).message}`);
      return null;
    }
    return token;
  }
}
