import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import { MailedTokenPurpose } from '../src/auth/mailed-tokens/mailed-token.entity';
import { Clock } from '../src/common/clock';
import { FakeClock } from './doubles/fake-clock';
import { newUser, register, UserBody } from './factories/users';
import {
  CHECK_YOUR_MAIL,
  mailDrained,
  mailedTokenRows,
  mailingTo,
  resendVerification,
  resetPassword,
  verifyEmail,
} from './utils/account-mail';
import { createTestApp } from './utils/create-test-app';
import { api, expectProblem } from './utils/http';
import { getMe } from './utils/sessions';
import { SmtpSink, tokenFromMail } from './utils/smtp-sink';
import { closedPort } from './utils/free-port';

const LINK = /http:\/\/bastion\.test\/verify-email#token=[A-Za-z0-9_-]{43}/;

describe('Email verification (e2e)', () => {
  let sink: SmtpSink;
  let app: NestFastifyApplication;
  const clock = new FakeClock();

  beforeAll(async () => {
    sink = await SmtpSink.start();
    app = await createTestApp(
      mailingTo(sink.url, { override: (builder) => builder.overrideProvider(Clock).useValue(clock) }),
    );
  });

  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  afterEach(() => {
    clock.set(new Date());
  });

  /** Registers a user and returns the token of the link mailed to them. */
  async function registerWithLink(): Promise<{ user: UserBody; email: string; password: string; token: string }> {
    const registered = await register(app);
    const mail = await sink.waitForMail(registered.email);
    return { ...registered, token: tokenFromMail(mail) };
  }

  /** `emailVerified` as the user sees it, read with a token issued now (passport-jwt checks `nbf` by the real time). */
  async function emailVerified(email: string, password: string): Promise<boolean> {
    const moved = clock.now();
    clock.set(new Date());
    try {
      const login = await api(app).post('/api/v1/auth/login').send({ email, password }).expect(200);
      return ((await getMe(app, login.body.accessToken as string).expect(200)).body as UserBody).emailVerified;
    } finally {
      clock.set(moved);
    }
  }

  it('should mail a link to APP_URL at registration, with the token in the fragment and in both bodies', async () => {
    const registered = await register(app);

    const mail = await sink.waitForMail(registered.email);
    expect(registered.user.emailVerified).toBe(false);
    expect(mail.subject).toBe('Confirm your email address');
    expect(mail.text).toMatch(LINK);
    expect(mail.html).toMatch(LINK);
  });

  it('should verify the address once, and refuse the same link after that', async () => {
    const { email, password, token } = await registerWithLink();

    await verifyEmail(app, token).expect(204);

    expect(await emailVerified(email, password)).toBe(true);
    expectProblem(await verifyEmail(app, token), 400);
  });

  it('should verify only the user the link was mailed to', async () => {
    const first = await registerWithLink();
    const second = await registerWithLink();

    await verifyEmail(app, first.token).expect(204);

    expect(await emailVerified(first.email, first.password)).toBe(true);
    expect(await emailVerified(second.email, second.password)).toBe(false);
  });

  it('should keep a link working until EMAIL_VERIFICATION_TTL (24h) has passed, and not after', async () => {
    const early = await registerWithLink();
    const late = await registerWithLink();

    clock.advanceSeconds(24 * 3600 - 1);
    await verifyEmail(app, early.token).expect(204);
    clock.advanceSeconds(2);

    expectProblem(await verifyEmail(app, late.token), 400);
    expect(await emailVerified(late.email, late.password)).toBe(false);
  });

  it('should not let a verification link reset a password', async () => {
    const { email, password, token } = await registerWithLink();

    expectProblem(await resetPassword(app, token, 'an entirely new passphrase'), 400);

    await api(app).post('/api/v1/auth/login').send({ email, password }).expect(200);
    await verifyEmail(app, token).expect(204);
  });

  it('should give every token that cannot be used the same 400', async () => {
    const { token } = await registerWithLink();
    await verifyEmail(app, token).expect(204);
    const used = expectProblem(await verifyEmail(app, token), 400);

    for (const bad of ['x', 'A'.repeat(43), `${token.slice(0, 42)}!`, 'ä'.repeat(43)]) {
      expect(expectProblem(await verifyEmail(app, bad), 400)).toEqual(used);
    }
  });

  it('should store only a hash of the token', async () => {
    const { user, token } = await registerWithLink();

    const rows = await mailedTokenRows(app, user.id, MailedTokenPurpose.EmailVerification);

    expect(rows.map((row) => row.tokenHash)).toEqual([createHash('sha256').update(token).digest('hex')]);
  });

  describe('resend', () => {
    it('should answer 202 with one body for an unverified, a verified and an unknown address', async () => {
      const unverified = await registerWithLink();
      const verified = await registerWithLink();
      await verifyEmail(app, verified.token).expect(204);
      clock.advanceSeconds(61);

      const answers = await Promise.all(
        [unverified.email, verified.email, newUser().email].map((email) => resendVerification(app, email)),
      );

      for (const answer of answers) {
        expect({ status: answer.status, body: answer.body as unknown }).toEqual({ status: 202, body: CHECK_YOUR_MAIL });
      }
      await sink.waitForMail(unverified.email, 2);
      await mailDrained(app);
      expect(sink.mailsTo(verified.email)).toHaveLength(1);
    });

    it('should retire the older link when it sends a new one', async () => {
      const { email, password, token: first } = await registerWithLink();
      clock.advanceSeconds(61);

      await resendVerification(app, email).expect(202);
      const second = tokenFromMail(await sink.waitForMail(email, 2));

      expectProblem(await verifyEmail(app, first), 400);
      await verifyEmail(app, second).expect(204);
      expect(await emailVerified(email, password)).toBe(true);
    });

    it('should send at most one mail a minute to an address, however often it is asked', async () => {
      const { email } = await registerWithLink();

      for (let ask = 0; ask < 5; ask += 1) {
        await resendVerification(app, email).expect(202);
      }
      await mailDrained(app);
      expect(sink.mailsTo(email)).toHaveLength(1);

      clock.advanceSeconds(61);
      await resendVerification(app, email).expect(202);
      await sink.waitForMail(email, 2);
    });
  });

  describe('when mail cannot be delivered', () => {
    it('should still answer 201 and 202 and keep the token while the server refuses', async () => {
      sink.refuse(8, 550);
      const registered = await register(app);
      await resendVerification(app, registered.email).expect(202);
      await mailDrained(app);

      expect(await mailedTokenRows(app, registered.user.id, MailedTokenPurpose.EmailVerification)).toHaveLength(1);
    });

    it('should still answer 201 and keep the token when no SMTP server answers', async () => {
      const offline = await createTestApp(mailingTo(`smtp://127.0.0.1:${await closedPort()}`));
      try {
        const registered = await register(offline);
        await resendVerification(offline, registered.email).expect(202);
        await mailDrained(offline);

        const rows = await mailedTokenRows(offline, registered.user.id, MailedTokenPurpose.EmailVerification);
        expect(rows).toHaveLength(1);
      } finally {
        await offline.close();
      }
    });
  });
});

describe('REQUIRE_EMAIL_VERIFICATION=true (e2e)', () => {
  let sink: SmtpSink;
  let app: NestFastifyApplication;
  const clock = new FakeClock();

  beforeAll(async () => {
    sink = await SmtpSink.start();
    app = await createTestApp(
      mailingTo(sink.url, {
        env: { REQUIRE_EMAIL_VERIFICATION: 'true' },
        override: (builder) => builder.overrideProvider(Clock).useValue(clock),
      }),
    );
  });

  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  afterEach(() => {
    clock.set(new Date());
  });

  const registerRequest = (details: { email: string; password: string }) =>
    api(app).post('/api/v1/auth/register').send(details);
  const loginRequest = (email: string, password: string) =>
    api(app).post('/api/v1/auth/login').send({ email, password });

  it('should answer registration with one 202 whether or not the email is taken, and tell the owner', async () => {
    const details = newUser();

    const first = await registerRequest(details);
    const again = await registerRequest({ ...details, password: 'somebody else entirely' });

    for (const answer of [first, again]) {
      expect({ status: answer.status, body: answer.body as unknown }).toEqual({ status: 202, body: CHECK_YOUR_MAIL });
    }
    await sink.waitForMail(details.email, 1, 'Confirm your email address');
    await sink.waitForMail(details.email, 1, 'Someone tried to register with your email address');
    expectProblem(await loginRequest(details.email, 'somebody else entirely'), 401);
  });

  it('should tell the owner of a taken address at most once a minute, however often it is registered', async () => {
    const details = newUser();
    await registerRequest(details).expect(202);
    const attempt = 'Someone tried to register with your email address';
    const attemptsMailed = () => sink.mailsTo(details.email).filter((mail) => mail.subject === attempt);

    for (let again = 0; again < 4; again += 1) {
      await registerRequest({ ...details, password: `somebody else, attempt ${again}` }).expect(202);
    }
    await mailDrained(app);
    expect(attemptsMailed()).toHaveLength(1);

    clock.advanceSeconds(61);
    await registerRequest({ ...details, password: 'somebody else, a minute later' }).expect(202);
    await sink.waitForMail(details.email, 2, attempt);
  });

  it('should refuse the login of an unverified account with a distinct 403, only after the right password', async () => {
    const details = newUser();
    await registerRequest(details).expect(202);

    expectProblem(await loginRequest(details.email, 'not the password at all'), 401);
    const refused = expectProblem(
      await loginRequest(details.email, details.password),
      403,
      '/problems/email-not-verified',
    );

    expect(refused.detail).toMatch(/Confirm your email address/);
  });

  it('should let the account in once the link was followed', async () => {
    const details = newUser();
    await registerRequest(details).expect(202);

    await verifyEmail(app, tokenFromMail(await sink.waitForMail(details.email))).expect(204);

    await loginRequest(details.email, details.password).expect(200);
  });
});
