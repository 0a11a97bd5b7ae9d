import { BadRequestException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from '../sessions/refresh-token-value';
import { MailedTokenPurpose } from './mailed-token.entity';
import { MailedTokensRepository } from './mailed-tokens.repository';

/** One answer for every token that cannot be used: unknown, malformed, used, expired, or of the other purpose. */
export const INVALID_MAILED_TOKEN = 'The link is invalid or has expired; ask for a new one.';

/** A second mail of one purpose within this long is not sent, so nobody can flood an inbox from the outside. */
export const MAIL_COOLDOWN_MS = 60 * 1000;

/**
 * Tokens that prove control of a mailbox. They have the shape of refresh tokens (256 random bits, base64url, stored
 * as a SHA-256): random enough that a fast hash is safe, and looked up by that hash.
 */
@Injectable()
export class MailedTokensService {
  constructor(
    private readonly tokens: MailedTokensRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * A new token for the user, retiring their older ones of this purpose; `alsoWrite` (an audit event) commits with
   * it, so that a request that issues a token makes one write transaction, like one that does not.
   */
  async issue(
    userId: string,
    purpose: MailedTokenPurpose,
    ttlSeconds: number,
    alsoWrite: (manager: EntityManager) => Promise<void>,
  ): Promise<string> {
    const token = newRefreshToken();
    const issuedAt = this.clock.now();
    const expiresAt = new Date(issuedAt.getTime() + ttlSeconds * 1000);
    await this.tokens.replace({ userId, purpose, tokenHash: hashRefreshToken(token), issuedAt, expiresAt }, alsoWrite);
    return token;
  }

  /**
   * What an issue costs (the hashing, and a transaction with `alsoWrite` in it), storing no token: for addresses
   * that get no mail, so that their answer takes as long.
   */
  async issueNothing(purpose: MailedTokenPurpose, alsoWrite: (manager: EntityManager) => Promise<void>): Promise<void> {
    hashRefreshToken(newRefreshToken());
    await this.tokens.replaceNothing(purpose, alsoWrite);
  }

  /** True when a token of this purpose went out to the user within the cooldown; ask it for a random id when none. */
  async sentRecently(userId: string, purpose: MailedTokenPurpose): Promise<boolean> {
    const latest = await this.tokens.latestIssuedAt(userId, purpose, this.clock.now());
    return latest !== null && this.clock.now().getTime() - latest.getTime() < MAIL_COOLDOWN_MS;
  }

  /** The user of a token that can be used, without using it up; a 400 for any other. */
  async userOf(token: string, purpose: MailedTokenPurpose): Promise<string> {
    const userId = looksLikeRefreshToken(token)
      ? await this.tokens.findUserId(hashRefreshToken(token), purpose, this.clock.now())
      : null;
    if (userId === null) {
      throw new BadRequestException(INVALID_MAILED_TOKEN);
    }
    return userId;
  }

  /** Uses the token up and returns its user; a 400 for any token that cannot be used. */
  async take(token: string, purpose: MailedTokenPurpose): Promise<string> {
    const userId = looksLikeRefreshToken(token)
      ? await this.tokens.take(hashRefreshToken(token), purpose, this.clock.now())
      : null;
    if (userId === null) {
      throw new BadRequestException(INVALID_MAILED_TOKEN);
    }
    return userId;
  }

  retireAll(userId: string, purpose: MailedTokenPurpose): Promise<void> {
    return this.tokens.deleteOfUser(userId, purpose);
  }

  purgeExpired(): Promise<number> {
    return this.tokens.deleteExpired(this.clock.now());
  }
}
