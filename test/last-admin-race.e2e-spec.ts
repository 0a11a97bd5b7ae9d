import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Response } from 'supertest';
import { ADMIN_ENV, login, loginAsAdmin, LoggedInUser, register, UserBody } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer } from './utils/http';

const ROUNDS = 6;

/** The last two admins removing each other at the same moment: exactly one of them must remain. */
describe('The last two admins removing each other at once (e2e)', () => {
  let app: NestFastifyApplication;
  /** The one admin there is between rounds. */
  let survivor: LoggedInUser;

  beforeAll(async () => {
    app = await createTestApp({ env: ADMIN_ENV });
    const root = await loginAsAdmin(app);
    survivor = await promote(root);
    await api(app)
      .patch(`/api/v1/users/${root.user.id}`)
      .set(bearer(survivor.tokens.accessToken))
      .send({ roles: ['user'] })
      .expect(200);
  });

  afterAll(async () => {
    await app.close();
  });

  /** Registers a user, makes it an admin (by `by`) and logs it in, so that its token carries the role. */
  async function promote(by: LoggedInUser): Promise<LoggedInUser> {
    const { user, email, password } = await register(app);
    await api(app)
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(by.tokens.accessToken))
      .send({ roles: ['admin', 'user'] })
      .expect(200);
    return { user, email, password, tokens: await login(app, email, password) };
  }

  async function activeAdmins(by: LoggedInUser): Promise<string[]> {
    const page = await api(app).get('/api/v1/users?limit=100').set(bearer(by.tokens.accessToken)).expect(200);
    const { items, total } = page.body as { items: UserBody[]; total: number };
    expect(total).toBeLessThan(100);
    return items.filter((user) => user.roles.includes('admin') && !user.disabled).map((user) => user.id);
  }

  type Removal = (by: LoggedInUser, target: LoggedInUser) => Promise<Response>;
  const removals: [string, number, Removal][] = [
    [
      'demote',
      200,
      (by, target) =>
        api(app)
          .patch(`/api/v1/users/${target.user.id}`)
          .set(bearer(by.tokens.accessToken))
          .send({ roles: ['user'] }),
    ],
    [
      'disable',
      200,
      (by, target) =>
        api(app).patch(`/api/v1/users/${target.user.id}`).set(bearer(by.tokens.accessToken)).send({ disabled: true }),
    ],
    [
      'delete',
      204,
      (by, target) => api(app).delete(`/api/v1/users/${target.user.id}`).set(bearer(by.tokens.accessToken)),
    ],
  ];

  it.each(removals)('should keep exactly one admin when two %s each other', async (_name, success, remove) => {
    for (let round = 0; round < ROUNDS; round++) {
      const first = survivor;
      const second = await promote(first);

      const [byFirst, bySecond] = await Promise.all([remove(first, second), remove(second, first)]);

      // The loser is refused by the rule (409), or by its own token when the winner's change ended its sessions first.
      const [won, lost] = byFirst.status === success ? [byFirst, bySecond] : [bySecond, byFirst];
      expect({ won: won.status, lost: [401, 409].includes(lost.status) }).toEqual({ won: success, lost: true });
      survivor = won === byFirst ? first : second;
      await expect(activeAdmins(survivor)).resolves.toEqual([survivor.user.id]);
    }
  });
});
