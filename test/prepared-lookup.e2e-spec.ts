import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Role } from '../src/common/role';
import { PreparedLookup } from '../src/database/prepared-lookup';
import { User } from '../src/users/user.entity';
import { createTestApp } from './utils/create-test-app';

// Runs on SQLite and, in the e2e-postgres project, on PostgreSQL: the two drivers hydrate differently.
describe('PreparedLookup (e2e, real database)', () => {
  let app: NestFastifyApplication;
  let users: Repository<User>;
  let byId: PreparedLookup<User>;
  let byEmail: PreparedLookup<User>;

  beforeAll(async () => {
    app = await createTestApp();
    const dataSource = app.get<DataSource>(getDataSourceToken());
    users = dataSource.getRepository(User);
    byId = new PreparedLookup(dataSource, User, 'id');
    byEmail = new PreparedLookup(dataSource, User, 'email');
  });

  afterAll(async () => {
    await app.close();
  });

  const saveUser = (fields: Partial<User>): Promise<User> =>
    users.save(
      users.create({
        email: `lookup-${Math.random().toString(36).slice(2)}@example.com`,
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA',
        displayName: null,
        roles: [Role.User],
        disabled: false,
        emailVerifiedAt: null,
        ...fields,
      }),
    );

  it('should read a user exactly as findOneBy does, every column with its type', async () => {
    const saved = await saveUser({
      displayName: 'Ada Lovelace',
      roles: [Role.Admin, Role.User],
      disabled: true,
      emailVerifiedAt: new Date('2026-01-02T03:04:05.678Z'),
    });

    const found = await byId.find(saved.id);

    expect(found).toEqual(await users.findOneBy({ id: saved.id }));
    expect(found).toBeInstanceOf(User);
    expect(found).toMatchObject({
      displayName: 'Ada Lovelace',
      roles: [Role.Admin, Role.User],
      disabled: true,
      emailVerifiedAt: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(found?.createdAt).toBeInstanceOf(Date);
  });

  it('should read null columns and false flags as findOneBy does', async () => {
    const saved = await saveUser({});

    const found = await byEmail.find(saved.email);

    expect(found).toEqual(await users.findOneBy({ email: saved.email }));
    expect(found).toMatchObject({ displayName: null, emailVerifiedAt: null, disabled: false });
  });

  it('should answer null when no row matches', async () => {
    await expect(byEmail.find('nobody@example.com')).resolves.toBeNull();
    await expect(byId.find('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
  });

  it('should treat the value as data, never as SQL', async () => {
    const saved = await saveUser({});

    await expect(byEmail.find(`' OR '1'='1`)).resolves.toBeNull();
    await expect(byEmail.find(`${saved.email}' --`)).resolves.toBeNull();
  });

  it('should refuse a property the entity does not have', () => {
    const dataSource = app.get<DataSource>(getDataSourceToken());

    expect(() => new PreparedLookup(dataSource, User, 'nickname' as keyof User)).toThrow('User has no column nickname');
  });
});
