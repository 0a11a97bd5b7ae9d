import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import { ARGON2_OPTIONS } from '../src/passwords/passwords.service';
import { COMMON_PASSWORD_PROBLEM, LOCAL_PART_PROBLEM } from '../src/passwords/password-policy';
import { User } from '../src/users/user.entity';
import { login, newUser, register, registerAndLogin } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectProblem } from './utils/http';

// `Algorithm` is an ambient const enum that isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;
const COMPOSED = 'd\u00e9j\u00e0 vu in the caf\u00e9';
const DECOMPOSED = COMPOSED.normalize('NFD');

describe('Passwords (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const users = () => app.get(DataSource).getRepository(User);
  const storedHash = async (email: string) => (await users().findOneByOrFail({ email })).passwordHash;

  function expectRefused(response: Parameters<typeof expectProblem>[0], field: string, problem: string): void {
    expect(expectProblem(response, 400).errors).toEqual([{ field, message: `${field} ${problem}` }]);
  }

  describe('POST /auth/register', () => {
    it.each(['password1', 'PassWord1', 'ILOVEYOU', 'ｐａｓｓｗｏｒｄ'])(
      'should refuse the common password %p with 400 naming password, and create nothing',
      async (password) => {
        const details = newUser({ password });

        const response = await api(app).post('/api/v1/auth/register').send(details);

        expectRefused(response, 'password', COMMON_PASSWORD_PROBLEM);
        await expect(users().countBy({ email: details.email })).resolves.toBe(0);
      },
    );

    it("should refuse a password containing the email's local part, in any case", async () => {
      const details = { email: 'margaret.hamilton@example.test', password: 'I am Margaret.Hamilton of Apollo' };

      const response = await api(app).post('/api/v1/auth/register').send(details);

      expectRefused(response, 'password', LOCAL_PART_PROBLEM);
      await expect(users().countBy({ email: details.email })).resolves.toBe(0);
    });

    it('should not leak the password in the answer', async () => {
      const response = await api(app)
        .post('/api/v1/auth/register')
        .send(newUser({ password: 'Trustno1' }));

      expect(response.text).not.toContain('Trustno1');
    });
  });

  describe('POST /auth/password', () => {
    it.each([
      ['a common password', () => 'Qwerty123', COMMON_PASSWORD_PROBLEM],
      ['the local part', (email: string) => `new ${email.split('@')[0].toUpperCase()} pass`, LOCAL_PART_PROBLEM],
    ])('should refuse %s with 400 naming newPassword, and keep the old one', async (_label, newPassword, problem) => {
      const { email, password, tokens } = await registerAndLogin(app);

      const response = await api(app)
        .post('/api/v1/auth/password')
        .set(bearer(tokens.accessToken))
        .send({ currentPassword: password, newPassword: newPassword(email) });

      expectRefused(response, 'newPassword', problem);
      await login(app, email, password);
      await api(app).get('/api/v1/users/me').set(bearer(tokens.accessToken)).expect(200);
    });
  });

  describe('NFKC normalisation', () => {
    it.each([
      ['composed', COMPOSED, DECOMPOSED],
      ['decomposed', DECOMPOSED, COMPOSED],
    ])('should log in a user who registered with a %s é, typed either way', async (_label, registered, other) => {
      const { email } = await register(app, { password: registered });

      await login(app, email, registered);
      await login(app, email, other);
    });

    it('should let a user delete the account typing the password another way', async () => {
      const { tokens } = await registerAndLogin(app, { password: COMPOSED });

      await api(app)
        .delete('/api/v1/users/me')
        .set(bearer(tokens.accessToken))
        .send({ password: DECOMPOSED })
        .expect(204);
    });

    it('should replace a hash made from the raw password before normalisation at the next login', async () => {
      const { email } = await register(app);
      await users().update({ email }, { passwordHash: await hash(DECOMPOSED, ARGON2_OPTIONS) });

      await login(app, email, DECOMPOSED);

      const replaced = await storedHash(email);
      await expect(verify(replaced, COMPOSED)).resolves.toBe(true);
      await expect(verify(replaced, DECOMPOSED)).resolves.toBe(false);
      await login(app, email, COMPOSED);
    });

    it('should still refuse a wrong password for such a legacy hash', async () => {
      const { email } = await register(app);
      const legacy = await hash(DECOMPOSED, ARGON2_OPTIONS);
      await users().update({ email }, { passwordHash: legacy });

      expectProblem(
        await api(app)
          .post('/api/v1/auth/login')
          .send({ email, password: `${DECOMPOSED}!` }),
        401,
      );
      await expect(storedHash(email)).resolves.toBe(legacy);
    });
  });

  describe('argon2 parameters', () => {
    it("should replace a hash made with older parameters at the next login with today's", async () => {
      const { email, password } = await register(app);
      const older = await hash(password, { algorithm: ARGON2ID, memoryCost: 8192, timeCost: 1, parallelism: 1 });
      await users().update({ email }, { passwordHash: older });

      await login(app, email, password);

      const replaced = await storedHash(email);
      const { memoryCost, timeCost, parallelism } = ARGON2_OPTIONS;
      expect(replaced).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${memoryCost},t=${timeCost},p=${parallelism}\\$`));
      await expect(verify(replaced, password)).resolves.toBe(true);
      await login(app, email, password);
    });
  });
});
