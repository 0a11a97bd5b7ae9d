import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { Revocation } from './revocation.entity';

@Injectable()
export class RevocationsRepository {
  constructor(@InjectRepository(Revocation) private readonly revocations: Repository<Revocation>) {}

  /**
   * Inserts the entries; an entry that exists already only ever moves forward (a user may be cut off again later,
   * and a clock that is behind must not pull a cut-off back).
   */
  async save(entries: Revocation[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    await this.revocations.createQueryBuilder().insert().values(entries).orIgnore().execute();
    for (const entry of entries) {
      await this.revocations.update(
        { kind: entry.kind, targetId: entry.targetId, revokedAt: LessThan(entry.revokedAt) },
        { revokedAt: entry.revokedAt, expiresAt: entry.expiresAt },
      );
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
