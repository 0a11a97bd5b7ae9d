import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../database/data-source-options';
import { Revocation, RevocationKind } from './revocation.entity';
import { RevocationsRepository } from './revocations.repository';

const USER_ID = '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60';

function userCutoff(revokedAt: string): Revocation {
  const at = new Date(revokedAt);
  return { kind: RevocationKind.User, targetId: USER_ID, revokedAt: at, expiresAt: new Date(at.getTime() + 901_000) };
}

// Against a real SQLite database with the real migrations: the conditional write is SQL, not something to stub.
describe('RevocationsRepository on SQLite', () => {
  let dataSource: DataSource;
  let repository: RevocationsRepository;

  beforeEach(async () => {
    dataSource = await new DataSource(dataSourceOptions({ type: 'sqlite', path: ':memory:' })).initialize();
    await dataSource.runMigrations();
    repository = new RevocationsRepository(dataSource.getRepository(Revocation));
  });

  afterEach(async () => {
    await dataSource.destroy();
  });

  it('should move a user cut-off forward', async () => {
    await repository.save([userCutoff('2026-03-01T12:00:00Z')]);
    await repository.save([userCutoff('2026-03-01T12:05:00Z')]);

    const [stored] = await repository.findLive(new Date('2026-03-01T12:06:00Z'));
    expect(stored.revokedAt).toEqual(new Date('2026-03-01T12:05:00Z'));
  });

  it('should never move a user cut-off back, e.g. when another instance clock is behind', async () => {
    await repository.save([userCutoff('2026-03-01T12:05:00Z')]);
    await repository.save([userCutoff('2026-03-01T12:00:00Z')]);

    const live = await repository.findLive(new Date('2026-03-01T12:06:00Z'));
    expect(live).toHaveLength(1);
    expect(live[0].revokedAt).toEqual(new Date('2026-03-01T12:05:00Z'));
  });

  it('should store a session revocation once however often it is written', async () => {
    const entry: Revocation = {
      kind: RevocationKind.Session,
      targetId: 'a1e2c3d4-0000-4000-8000-000000000002',
      revokedAt: new Date('2026-03-01T12:00:00Z'),
      expiresAt: new Date('2026-03-01T12:15:01Z'),
    };
    await repository.save([entry]);
    await repository.save([entry]);

    await expect(repository.findLive(new Date('2026-03-01T12:10:00Z'))).resolves.toHaveLength(1);
  });

  it('should delete only expired entries', async () => {
    await repository.save([userCutoff('2026-03-01T12:00:00Z')]);

    await expect(repository.deleteExpired(new Date('2026-03-01T12:10:00Z'))).resolves.toBe(0);
    await expect(repository.deleteExpired(new Date('2026-03-01T12:20:00Z'))).resolves.toBe(1);
    await expect(repository.findLive(new Date('2026-03-01T12:00:00Z'))).resolves.toEqual([]);
  });
});
