import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { Revocation } from './revocation.entity';

@Injectable()
export class RevocationsRepository {
  constructor(@InjectRepository(Revocation) private readonly revocations: Repository<Revocation>) {}

  /** Inserts the entries, or moves existing ones forward (a user may be cut off more than once). */
  async save(entries: Revocation[]): Promise<void> {
    if (entries.length > 0) {
      await this.revocations.upsert(entries, { conflictPaths: ['kind', 'targetId'] });
    }
  }

  findLive(now: Date): Promise<Revocation[]> {
    return this.revocations.find({ where: { expiresAt: MoreThan(now) } });
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.revocations.delete({ expiresAt: LessThan(now) });
    return result.affected ?? 0;
  }
}
