import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { insertOnly } from '../../database/insert-only';
import { MailedToken, MailedTokenPurpose } from './mailed-token.entity';

@Injectable()
export class MailedTokensRepository {
  constructor(@InjectRepository(MailedToken) private readonly tokens: Repository<MailedToken>) {}

  /** Stores a token after deleting the user's others of that purpose, and `alsoWrite`s, in one transaction. */
  async replace(
    token: Omit<MailedToken, 'id' | 'user'>,
    alsoWrite: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.tokens.manager.transaction(async (manager) => {
      const tokens = manager.getRepository(MailedToken);
      await tokens.delete({ userId: token.userId, purpose: token.purpose });
      await insertOnly(tokens, token);
      await alsoWrite(manager);
    });
  }

  /** The statements of `replace` that an address without an account can run: a delete that finds nothing. */
  async replaceNothing(
    purpose: MailedTokenPurpose,
    alsoWrite: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.tokens.manager.transaction(async (manager) => {
      await manager.getRepository(MailedToken).delete({ userId: randomUUID(), purpose });
      await alsoWrite(manager);
    });
  }

  /** When the user was last sent a token of this purpose that is still live, or null. */
  async latestIssuedAt(userId: string, purpose: MailedTokenPurpose, now: Date): Promise<Date | null> {
    const token = await this.tokens.findOne({
      select: { id: true, issuedAt: true },
      where: { userId, purpose, expiresAt: MoreThan(now) },
      order: { issuedAt: 'DESC' },
    });
    return token?.issuedAt ?? null;
  }

  async findUserId(tokenHash: string, purpose: MailedTokenPurpose, now: Date): Promise<string | null> {
    const token = await this.tokens.findOne({
      select: { id: true, userId: true },
      where: { tokenHash, purpose, expiresAt: MoreThan(now) },
    });
    return token?.userId ?? null;
  }

  /**
   * Deletes the unexpired token with this hash and purpose and returns its user; null when there is none. Of any
   * number of requests presenting one token, only the one whose delete removed the row gets the user.
   */
  async take(tokenHash: string, purpose: MailedTokenPurpose, now: Date): Promise<string | null> {
    const userId = await this.findUserId(tokenHash, purpose, now);
    if (userId === null) {
      return null;
    }
    const result = await this.tokens.delete({ tokenHash, purpose });
    return result.affected === 1 ? userId : null;
  }

  async deleteOfUser(userId: string, purpose: MailedTokenPurpose): Promise<void> {
    await this.tokens.delete({ userId, purpose });
  }

  /** Deletes the tokens that expired by `now`; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.tokens.delete({ expiresAt: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }
}
