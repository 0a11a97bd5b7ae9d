import { Revocation } from '../../src/auth/revocations/revocation.entity';
import { RevocationsRepository } from '../../src/auth/revocations/revocations.repository';

/** The revocations table as an array, keyed by (kind, targetId) like the repository's upsert. */
export class InMemoryRevocations implements Pick<RevocationsRepository, keyof RevocationsRepository> {
  rows: Revocation[] = [];

  save(entries: Revocation[]): Promise<void> {
    for (const entry of entries) {
      const index = this.rows.findIndex((row) => row.kind === entry.kind && row.targetId === entry.targetId);
      if (index === -1) {
        this.rows.push({ ...entry });
      } else {
        this.rows[index] = { ...entry };
      }
    }
    return Promise.resolve();
  }

  findLive(now: Date): Promise<Revocation[]> {
    return Promise.resolve(
      this.rows.filter((row) => row.expiresAt.getTime() > now.getTime()).map((row) => ({ ...row })),
    );
  }

  deleteExpired(now: Date): Promise<number> {
    const kept = this.rows.filter((row) => row.expiresAt.getTime() >= now.getTime());
    const deleted = this.rows.length - kept.length;
    this.rows.splice(0, this.rows.length, ...kept);
    return Promise.resolve(deleted);
  }
}
