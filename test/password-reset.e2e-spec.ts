import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MailedTokenPurpose } from '../src/auth/mailed-tokens/mailed-token.entity';
import { Clock } from '../src/common/clock';
import { FakeClock } from './doubles/fake-clock';
import { ADMIN_ENV, loginAsAdmin, newUser, register, registerAndLogin } from './factories/users';
import {
  CHECK_YOUR_MAIL,
  forgotPassword,
  mailDrained,
  mailedTokenRows,
  mailingTo,
  resetPassword,
  verifyEmail,
} from './utils/account-mail';
import { getAudit } from './utils/audit';
import { createTestApp } from './utils/create-test-app';
import { api, bearer, expectFieldErrors, expectProblem, fromAddress } from './utils/http';
import { expectSessionEnded, getMe } from './utils/sessions';
import { SmtpSink, tokenFromMail } from './utils/smtp-sink';
import { closedPort } from './utils/free-port';

const NEW_PASSWORD = 'a brand new passphrase';

describe('Password reset (e2e)', () => {
  let sink: SmtpSink;
  let app: NestFastifyApplication;
  const clock = new FakeClock();

  beforeAll(async () => {
    sink = await SmtpSink.start();
    app = await createTestApp(
      mailingTo(sink.url, {
        env: ADMIN_ENV,
        override: (builder) => builder.overrideProvider(Clock).useValue(clock),
      }),
    );
  });

  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  const loginRequest = (email: string, password: string, from = '127.0.0.1') =>
    api(app).post('/api/v1/auth/login').agent(fromAddress(from)).send({ email, password });

  const RESET_SUBJECT = 'Reset your password';
  const resetMails = (email: string) => sink.mailsTo(email).filter((mail) => mail.subject === RESET_SUBJECT);

  /** Asks for a reset and returns the token of the link mailed for it. */
  async function resetToken(email: string): Promise<string> {
    const nth = resetMails(email).length + 1;
    await forgotPassword(app, email).expect(202);
    return tokenFromMail(await sink.waitForMail(email, nth, RESET_SUBJECT));
  }

  afterEach(() => {
    clock.set(new Date());
  });

  it('should answer a known and an unknown address alike, and mail only the known one', async () => {
    const { email } = await register(app);
    const unknown = newUser().email;

    const answers = [await forgotPassword(app, email), await forgotPassword(app, unknown)];

    for (const answer of answers) {
      expect({ status: answer.status, body: answer.body as unknown }).toEqual({ status: 202, body: CHECK_YOUR_MAIL });
    }
    expect(answers[0].headers['content-type']).toBe(answers[1].headers['content-type']);
    expect(answers[0].headers['content-length']).toBe(answers[1].headers['content-length']);
    const mail = await sink.waitForMail(email, 1, RESET_SUBJECT);
    expect(mail.text).toMatch(/http:\/\/bastion\.test\/reset-password#token=[A-Za-z0-9_-]{43}/);
    await mailDrained(app);
    expect(sink.mailsTo(unknown)).toEqual([]);
  });

  it('should refuse what is not an email address with a 400 naming the field', async () => {
    expectFieldErrors(await forgotPassword(app, 'not an address'), ['email']);
  });

  it('should set the new password, end every session at once, mail a notice, and sign nobody in', async () => {
    const { email, password, tokens } = await registerAndLogin(app);
    const token = await resetToken(email);

    const answer = await resetPassword(app, token, NEW_PASSWORD).expect(204);

    expect(answer.text).toBe('');
    await expectSessionEnded(app, tokens);
    expectProblem(await loginRequest(email, password), 401);
    await loginRequest(email, NEW_PASSWORD).expect(200);
    const notice = await sink.waitForMail(email, 1, 'Your password was changed');
    expect(notice.text).toContain('was just reset through a link');
  });

  it('should accept a link once', async () => {
    const { email } = await register(app);
    const token = await resetToken(email);

    await resetPassword(app, token, NEW_PASSWORD).expect(204);

    expectProblem(await resetPassword(app, token, 'yet another passphrase'), 400);
    await loginRequest(email, NEW_PASSWORD).expect(200);
  });

  it('should refuse a common password or one containing the address, and leave the link usable', async () => {
    const { email } = await register(app);
    const token = await resetToken(email);

    for (const refused of ['Password123', `my ${email.split('@')[0]} passphrase`]) {
      expectFieldErrors(await resetPassword(app, token, refused), ['newPassword']);
    }

    await resetPassword(app, token, NEW_PASSWORD).expect(204);
  });

  it('should let exactly one of two resets racing with one link win', async () => {
    const { email } = await register(app);
    const token = await resetToken(email);

    const answers = await Promise.all([
      resetPassword(app, token, 'the first racer passphrase'),
      resetPassword(app, token, 'the second racer passphrase'),
    ]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 400]);
    const winner = answers[0].status === 204 ? 'the first racer passphrase' : 'the second racer passphrase';
    await loginRequest(email, winner).expect(200);
  });

  it('should keep a link working for PASSWORD_RESET_TTL (30 minutes), and not after', async () => {
    const early = await register(app);
    const late = await register(app);
    const earlyToken = await resetToken(early.email);
    const lateToken = await resetToken(late.email);

    clock.advanceSeconds(30 * 60 - 1);
    await resetPassword(app, earlyToken, NEW_PASSWORD).expect(204);
    clock.advanceSeconds(2);

    expectProblem(await resetPassword(app, lateToken, NEW_PASSWORD), 400);
    await loginRequest(late.email, late.password).expect(200);
  });

  it('should retire the older link when a new one is asked for', async () => {
    const { email } = await register(app);
    const first = await resetToken(email);
    clock.advanceSeconds(61);

    const second = await resetToken(email);

    expectProblem(await resetPassword(app, first, NEW_PASSWORD), 400);
    await resetPassword(app, second, NEW_PASSWORD).expect(204);
  });

  it('should not let a reset link verify an email address', async () => {
    const { email } = await register(app);
    const token = await resetToken(email);

    expectProblem(await verifyEmail(app, token), 400);
    await resetPassword(app, token, NEW_PASSWORD).expect(204);
  });

  it('should void a mailed link when the password is changed in the meantime, and tell the owner', async () => {
    const { email, password, tokens } = await registerAndLogin(app);
    const token = await resetToken(email);

    await api(app)
      .post('/api/v1/auth/password')
      .set(bearer(tokens.accessToken))
      .send({ currentPassword: password, newPassword: 'changed while signed in' })
      .expect(204);

    expectProblem(await resetPassword(app, token, NEW_PASSWORD), 400);
    const notice = await sink.waitForMail(email, 1, 'Your password was changed');
    expect(notice.text).toContain('was just changed,');
  });

  it('should mark the address verified, since the link reached its owner', async () => {
    const { email } = await register(app);

    await resetPassword(app, await resetToken(email), NEW_PASSWORD).expect(204);

    const login = await loginRequest(email, NEW_PASSWORD).expect(200);
    expect((await getMe(app, login.body.accessToken as string).expect(200)).body).toMatchObject({
      emailVerified: true,
    });
  });

  it('should mail nothing to a disabled account, and refuse a link it was sent before', async () => {
    const admin = await loginAsAdmin(app);
    const { user, email } = await register(app);
    const token = await resetToken(email);
    await api(app)
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(admin.tokens.accessToken))
      .send({ disabled: true })
      .expect(200);
    clock.advanceSeconds(61);

    await forgotPassword(app, email).expect(202);
    await mailDrained(app);

    expect(resetMails(email)).toHaveLength(1);
    expectProblem(await resetPassword(app, token, NEW_PASSWORD), 400);
  });

  it('should audit the request and the reset without the token or the password', async () => {
    const admin = await loginAsAdmin(app);
    const { user, email } = await register(app);
    const token = await resetToken(email);
    await resetPassword(app, token, NEW_PASSWORD).expect(204);

    const page = await getAudit(app, admin.tokens.accessToken, { userId: user.id }).expect(200);

    const types = (page.body.items as { type: string }[]).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['password.reset-requested', 'password.reset']));
    expect(page.text).not.toContain(token);
    expect(page.text).not.toContain(NEW_PASSWORD);
  });

  it('should keep the token and answer 202 when no SMTP server answers', async () => {
    const offline = await createTestApp(mailingTo(`smtp://127.0.0.1:${await closedPort()}`));
    try {
      const { user, email } = await register(offline);

      const answer = await forgotPassword(offline, email);
      await mailDrained(offline);

      expect({ status: answer.status, body: answer.body as unknown }).toEqual({ status: 202, body: CHECK_YOUR_MAIL });
      expect(await mailedTokenRows(offline, user.id, MailedTokenPurpose.PasswordReset)).toHaveLength(1);
    } finally {
      await offline.close();
    }
  });
});

describe('Password reset and the login throttle (e2e)', () => {
  let sink: SmtpSink;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    app = await createTestApp(mailingTo(sink.url, { env: { RATE_LIMIT_ENABLED: 'true' } }));
  });

  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  it('should let the owner who was throttled for forgetting the password sign in after a reset', async () => {
    const { email } = await register(app);
    const owner = fromAddress('127.0.0.31');
    const guess = () => api(app).post('/api/v1/auth/login').agent(owner).send({ email, password: 'was it this one' });
    for (let attempt = 0; attempt < 6; attempt += 1) {
      await guess();
    }
    expectProblem(await guess(), 429);

    await api(app).post('/api/v1/auth/password/forgot').agent(owner).send({ email }).expect(202);
    const token = tokenFromMail(await sink.waitForMail(email, 1, 'Reset your password'));
    await api(app)
      .post('/api/v1/auth/password/reset')
      .agent(owner)
      .send({ token, newPassword: NEW_PASSWORD })
      .expect(204);

    await api(app).post('/api/v1/auth/login').agent(owner).send({ email, password: NEW_PASSWORD }).expect(200);
  });
});
