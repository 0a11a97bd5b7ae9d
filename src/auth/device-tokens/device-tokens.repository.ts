import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { insertOnly } from '../../database/insert-only';
import { DeviceToken } from './device-token.entity';

@Injectable()
export class DeviceTokensRepository {
  constructor(@InjectRepository(DeviceToken) private readonly tokens: Repository<DeviceToken>) {}

  /** The email of the account this unexpired token belongs to, or null. */
  async findOwnerEmail(tokenHash: string, now: Date): Promise<string | null> {
    const token = await this.tokens.findOne({
      select: { id: true, user: { id: true, email: true } },
      where: { tokenHash, expiresAt: MoreThan(now) },
      relations: { user: true },
    });
    return token?.user?.email ?? null;
  }

  async insert(userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await insertOnly(this.tokens, { userId, tokenHash, expiresAt });
  }

  /** Deletes the tokens that expired by `now`; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.tokens.delete({ expiresAt: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }

  /** Deletes all but the user's newest `keep` tokens. */
  async keepNewest(userId: string, keep: number): Promise<void> {
    const newest = this.tokens
      .createQueryBuilder('newest')
      .select('newest.id')
      .where('newest.userId = :userId')
      .orderBy('newest.createdAt', 'DESC')
      .limit(keep);
    await this.tokens
      .createQueryBuilder()
      .delete()
      .where('user_id = :userId', { userId })
      .andWhere(`id NOT IN (${newest.getQuery()})`)
      .execute();
  }
}
