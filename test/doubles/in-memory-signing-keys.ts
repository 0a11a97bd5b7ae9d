import type { JwtAlgorithm } from '../../src/config/app-config';
import { SigningKey } from '../../src/auth/keys/signing-key.entity';
import { NewSigningKey, SigningKeysRepository } from '../../src/auth/keys/signing-keys.repository';

/** The signing_keys table as an array, with the repository's filtering, ordering and conditional updates. */
export class InMemorySigningKeys implements Pick<SigningKeysRepository, keyof SigningKeysRepository> {
  rows: SigningKey[] = [];

  findUsable(): Promise<SigningKey[]> {
    const usable = this.rows.filter((row) => row.revokedAt === null).sort(newestFirst);
    return Promise.resolve(usable.map((row) => ({ ...row })));
  }

  findAll(): Promise<SigningKey[]> {
    return Promise.resolve([...this.rows].sort(newestFirst).map((row) => ({ ...row })));
  }

  findByKid(kid: string): Promise<SigningKey | null> {
    const row = this.rows.find((candidate) => candidate.kid === kid);
    return Promise.resolve(row ? { ...row } : null);
  }

  insert(key: NewSigningKey): Promise<void> {
    this.rows.push({ ...key, retiredAt: null, revokedAt: null });
    return Promise.resolve();
  }

  promote(kid: string, algorithm: JwtAlgorithm, at: Date): Promise<boolean> {
    const next = this.rows.find(
      (row) => row.kid === kid && row.activatedAt === null && row.retiredAt === null && row.revokedAt === null,
    );
    if (!next) {
      return Promise.resolve(false);
    }
    this.rows
      .filter((row) => row.algorithm === algorithm && row.kid !== kid && row.activatedAt !== null && !row.retiredAt)
      .forEach((row) => (row.retiredAt = at));
    next.activatedAt = at;
    return Promise.resolve(true);
  }

  retireSurplus(algorithm: JwtAlgorithm, at: Date): Promise<void> {
    const live = this.rows.filter((row) => row.algorithm === algorithm && !row.retiredAt && !row.revokedAt);
    const active = live.filter((row) => row.activatedAt !== null).sort(lastActivatedFirst);
    const next = live.filter((row) => row.activatedAt === null).sort(newestFirst);
    [...active.slice(1), ...next.slice(1)].forEach((row) => (row.retiredAt = at));
    return Promise.resolve();
  }

  markRevoked(kid: string, at: Date): Promise<boolean> {
    const row = this.rows.find((candidate) => candidate.kid === kid && candidate.revokedAt === null);
    if (row) {
      Object.assign(row, { revokedAt: at, retiredAt: at });
    }
    return Promise.resolve(row !== undefined);
  }

  deleteRetiredBefore(before: Date): Promise<number> {
    const kept = this.rows.filter((row) => row.retiredAt === null || row.retiredAt.getTime() >= before.getTime());
    const deleted = this.rows.length - kept.length;
    // In place, so a test holding `rows` sees the deletion.
    this.rows.splice(0, this.rows.length, ...kept);
    return Promise.resolve(deleted);
  }
}

function lastActivatedFirst(a: SigningKey, b: SigningKey): number {
  return (b.activatedAt?.getTime() ?? 0) - (a.activatedAt?.getTime() ?? 0) || newestFirst(a, b);
}

/** The repository's order: createdAt, then kid, both descending. */
function newestFirst(a: SigningKey, b: SigningKey): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.kid < b.kid ? 1 : a.kid > b.kid ? -1 : 0);
}
