import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hash } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import { ConfigError } from '../src/config/load-config';
import { COMMON_PASSWORD_PROBLEM } from '../src/passwords/password-policy';
import { ARGON2_OPTIONS } from '../src/passwords/passwords.service';
import { User } from '../src/users/user.entity';
import { ADMIN, ADMIN_ENV, login, loginAsAdmin, register, UserBody } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer } from './utils/http';
import { createTestDatabase, TestDatabase } from './utils/test-database';

/** ADMIN_EMAIL/ADMIN_PASSWORD against a database that already holds an account with that email. */
describe('The ADMIN_EMAIL bootstrap over existing accounts (e2e)', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await database.drop();
  });

  /** Runs `work` against an app on the shared database, then closes it. */
  async function withApp<T>(env: Record<string, string>, work: (app: NestFastifyApplication) => Promise<T>) {
    const app = await createTestApp({ env: { ...database.env, ...env } });
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  }

  async function me(app: NestFastifyApplication, email: string, password: string): Promise<UserBody> {
    const tokens = await login(app, email, password);
    return (await api(app).get('/api/v1/users/me').set(bearer(tokens.accessToken)).expect(200)).body as UserBody;
  }

  it('should refuse to start, saying why, when someone else registered the address first', async () => {
    const squatter = { email: ADMIN.email, password: 'the squatter chose this one' };
    await withApp({}, (app) => register(app, squatter));

    const start = createTestApp({ env: { ...database.env, ...ADMIN_ENV } });

    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(
      /ADMIN_EMAIL, ADMIN_PASSWORD: an account with this email exists and ADMIN_PASSWORD is not its password/,
    );
    await withApp({}, async (app) => {
      await expect(me(app, squatter.email, squatter.password)).resolves.toMatchObject({ roles: ['user'] });
    });
  });

  it('should refuse to start, naming ADMIN_PASSWORD, when it is a common password', async () => {
    const start = createTestApp({ env: { ...database.env, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: 'Password123' } });

    await expect(start).rejects.toThrow(new ConfigError([`ADMIN_PASSWORD: ${COMMON_PASSWORD_PROBLEM}`]));
  });

  it('should start and let in an admin whose hash was made from the raw, unnormalised ADMIN_PASSWORD', async () => {
    const decomposed = `${ADMIN.password} caf\u00e9`.normalize('NFD');
    await withApp({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: decomposed }, async (app) => {
      const legacy = await hash(decomposed, ARGON2_OPTIONS);
      await app.get(DataSource).getRepository(User).update({ email: ADMIN.email }, { passwordHash: legacy });
    });

    await withApp({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: decomposed }, async (app) => {
      await expect(me(app, ADMIN.email, decomposed)).resolves.toMatchObject({ roles: ['admin', 'user'] });
    });
  });

  it('should make an existing account admin when ADMIN_PASSWORD is its password', async () => {
    await withApp({}, (app) => register(app, { email: ADMIN.email, password: ADMIN.password }));

    await withApp(ADMIN_ENV, async (app) => {
      await expect(me(app, ADMIN.email, ADMIN.password)).resolves.toMatchObject({ roles: ['admin', 'user'] });
    });
  });

  it('should keep a disabled admin account disabled across restarts', async () => {
    const { rootId, other } = await withApp(ADMIN_ENV, async (app) => {
      const root = await loginAsAdmin(app);
      const registered = await register(app);
      await api(app)
        .patch(`/api/v1/users/${registered.user.id}`)
        .set(bearer(root.tokens.accessToken))
        .send({ roles: ['admin', 'user'] })
        .expect(200);
      const otherAdmin = await login(app, registered.email, registered.password);
      await api(app)
        .patch(`/api/v1/users/${root.user.id}`)
        .set(bearer(otherAdmin.accessToken))
        .send({ disabled: true })
        .expect(200);
      return { rootId: root.user.id, other: registered };
    });

    for (let restart = 0; restart < 2; restart++) {
      await withApp(ADMIN_ENV, async (app) => {
        await api(app).post('/api/v1/auth/login').send(ADMIN).expect(401);
        const asOther = bearer((await login(app, other.email, other.password)).accessToken);
        const root = await api(app).get(`/api/v1/users/${rootId}`).set(asOther).expect(200);
        expect(root.body).toMatchObject({ roles: ['admin', 'user'], disabled: true });
      });
    }
  });
});
