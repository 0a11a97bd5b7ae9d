import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, Repository } from 'typeorm';
import { insertOnly } from '../../database/insert-only';
import { MfaChallenge } from './mfa-challenge.entity';

@Injectable()
export class MfaChallengesRepository {
  constructor(@InjectRepository(MfaChallenge) private readonly challenges: Repository<MfaChallenge>) {}

  async insert(challenge: Omit<MfaChallenge, 'createdAt'>): Promise<void> {
    await insertOnly(this.challenges, challenge);
  }

  findByTokenHash(tokenHash: string): Promise<MfaChallenge | null> {
    return this.challenges.findOneBy({ tokenHash });
  }

  /** Takes one try of a live challenge; false when none is left or it expired (racing callers cannot overdraw). */
  async takeTry(id: string, now: Date): Promise<boolean> {
    const result = await this.challenges
      .createQueryBuilder()
      .update()
      .set({ triesLeft: () => 'tries_left - 1' })
      .where('id = :id AND tries_left > 0 AND expires_at > :now', { id, now })
      .execute();
    return result.affected === 1;
  }

  /** Deletes the challenge; true for exactly one of racing callers. */
  async consume(id: string): Promise<boolean> {
    const result = await this.challenges.delete({ id });
    return result.affected === 1;
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.challenges.delete({ expiresAt: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }
}
