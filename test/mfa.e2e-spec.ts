import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { CleanupService } from '../src/auth/cleanup.service';
import { MfaChallenge } from '../src/auth/mfa/mfa-challenge.entity';
import { MFA_TOKEN_TTL_SECONDS } from '../src/auth/mfa/mfa-challenges.service';
import { RECOVERY_CODE_COUNT } from '../src/auth/mfa/recovery-codes';
import { RecoveryCode } from '../src/auth/mfa/recovery-code.entity';
import { TotpFactor } from '../src/auth/mfa/totp-factor.entity';
import { Clock } from '../src/common/clock';
import { MFA_LIMITS } from '../src/throttle/limits';
import {
  ADMIN_ENV,
  DEFAULT_PASSWORD,
  LoggedInUser,
  login,
  loginAsAdmin,
  registerAndLogin,
  TokenBody,
  UserBody,
} from './factories/users';
import { FakeClock } from './doubles/fake-clock';
import { auditPage } from './utils/audit';
import { mailingTo } from './utils/account-mail';
import { createTestApp } from './utils/create-test-app';
import { SmtpSink } from './utils/smtp-sink';
import { api, bearer, expectFieldErrors, expectProblem, fromAddress } from './utils/http';
import { decodeJwt } from './utils/jwt';
import { enableTotp, loginToMfaStep, loginWithTotp, mfa, MfaRequiredBody, nextCode, totpCode } from './utils/mfa';
import { expectAccessWorks, expectSessionEnded, expectTokenRefused, getMe, refresh } from './utils/sessions';

const TEN_MINUTES_AGO = () => new Date(Date.now() - 10 * 60 * 1000);

interface MfaAccount extends LoggedInUser {
  secret: string;
  recoveryCodes: string[];
}

describe('Two-factor sign-in with TOTP (e2e)', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;
  let admin: LoggedInUser;

  let sink: SmtpSink;

  beforeAll(async () => {
    clock = new FakeClock(TEN_MINUTES_AGO());
    sink = await SmtpSink.start();
    app = await createTestApp(
      mailingTo(sink.url, { env: ADMIN_ENV, override: (builder) => builder.overrideProvider(Clock).useValue(clock) }),
    );
    admin = await loginAsAdmin(app);
  });

  beforeEach(() => {
    // Behind the real time, so that moving it on by steps never dates a token in the future.
    clock.set(TEN_MINUTES_AGO());
  });

  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  async function enrolledAccount(): Promise<MfaAccount> {
    const account = await registerAndLogin(app);
    return { ...account, ...(await enableTotp(app, clock, account.tokens.accessToken)) };
  }

  describe('enrolment', () => {
    it('should answer a base32 secret and an otpauth URI with SHA-1, 6 digits and 30 s', async () => {
      const { tokens, email } = await registerAndLogin(app);

      const response = await mfa.setup(app, tokens.accessToken).expect(200);

      const { secret, otpauthUri } = response.body as { secret: string; otpauthUri: string };
      expect(Object.keys(response.body as object).sort()).toEqual(['otpauthUri', 'secret']);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(`/bastion.test:${email}`);
      expect(Object.fromEntries(uri.searchParams)).toEqual({
        issuer: 'bastion.test',
        secret,
        algorithm: 'SHA1',
        digits: '6',
        period: '30',
      });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('should leave two-factor off until the secret is confirmed', async () => {
      const { tokens, email, password } = await registerAndLogin(app);
      await mfa.setup(app, tokens.accessToken).expect(200);

      const me = await getMe(app, tokens.accessToken).expect(200);

      expect((me.body as UserBody & { mfaEnabled: boolean }).mfaEnabled).toBe(false);
      expect(await login(app, email, password)).toHaveProperty('accessToken');
    });

    it('should turn two-factor on with a current code and answer 10 distinct recovery codes', async () => {
      const { tokens } = await registerAndLogin(app);
      const { secret } = (await mfa.setup(app, tokens.accessToken).expect(200)).body as { secret: string };

      const response = await mfa.confirm(app, tokens.accessToken, nextCode(clock, secret)).expect(200);

      const { recoveryCodes } = response.body as { recoveryCodes: string[] };
      expect(recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
      expect(new Set(recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);
      recoveryCodes.forEach((code) => expect(code).toMatch(/^[0-9a-f]{5}(-[0-9a-f]{5}){3}$/));
      const me = await getMe(app, tokens.accessToken).expect(200);
      expect(me.body).toMatchObject({ mfaEnabled: true });
    });

    it('should refuse confirmation without the right password, so a stolen access token cannot enrol', async () => {
      const { tokens } = await registerAndLogin(app);
      const { secret } = (await mfa.setup(app, tokens.accessToken).expect(200)).body as { secret: string };

      const refused = await mfa.confirm(app, tokens.accessToken, nextCode(clock, secret), 'not the password at all');

      expect(expectProblem(refused, 403).detail).toBe('The password is wrong.');
      expect((await getMe(app, tokens.accessToken)).body).toMatchObject({ mfaEnabled: false });
    });

    it('should refuse a wrong code at confirmation with 403 and leave two-factor off', async () => {
      const { tokens } = await registerAndLogin(app);
      const { secret } = (await mfa.setup(app, tokens.accessToken).expect(200)).body as { secret: string };
      const wrong = String((Number(totpCode(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');

      expectProblem(await mfa.confirm(app, tokens.accessToken, wrong), 403);

      expect((await getMe(app, tokens.accessToken)).body).toMatchObject({ mfaEnabled: false });
    });

    it('should replace a pending secret when setup is called again', async () => {
      const { tokens } = await registerAndLogin(app);
      const first = (await mfa.setup(app, tokens.accessToken).expect(200)).body as { secret: string };
      const second = (await mfa.setup(app, tokens.accessToken).expect(200)).body as { secret: string };

      expect(second.secret).not.toBe(first.secret);
      expectProblem(await mfa.confirm(app, tokens.accessToken, nextCode(clock, first.secret)), 403);
      await mfa.confirm(app, tokens.accessToken, nextCode(clock, second.secret)).expect(200);
    });

    it('should refuse setup and confirm with 409 while two-factor is on', async () => {
      const account = await enrolledAccount();

      expectProblem(await mfa.setup(app, account.tokens.accessToken), 409);
      expectProblem(await mfa.confirm(app, account.tokens.accessToken, nextCode(clock, account.secret)), 409);
    });

    it('should refuse confirm with 409 when no setup is pending', async () => {
      const { tokens } = await registerAndLogin(app);

      expectProblem(await mfa.confirm(app, tokens.accessToken, '123456'), 409);
    });

    it.each([['12345'], ['1234567'], ['abcdef'], [123456]])('should refuse the code %p with 400', async (code) => {
      const { tokens } = await registerAndLogin(app);

      const response = await api(app)
        .post('/api/v1/auth/mfa/totp/confirm')
        .set(bearer(tokens.accessToken))
        .send({ password: DEFAULT_PASSWORD, code });

      expectFieldErrors(response, ['code']);
    });

    it('should keep the secret sealed and the recovery codes hashed in the database', async () => {
      const account = await enrolledAccount();
      const dataSource = app.get(DataSource);

      const rawRows = (entity: typeof TotpFactor | typeof RecoveryCode) =>
        dataSource
          .getRepository(entity)
          .createQueryBuilder('row')
          .select('*')
          .where('row.user_id = :userId', { userId: account.user.id })
          .getRawMany();

      const totpRows = await rawRows(TotpFactor);
      const codeRows = await rawRows(RecoveryCode);

      const stored = JSON.stringify([totpRows, codeRows]).toLowerCase();
      expect(stored).not.toContain(account.secret.toLowerCase());
      for (const code of account.recoveryCodes) {
        expect(stored).not.toContain(code);
        expect(stored).not.toContain(code.replace(/-/g, ''));
      }
      const factor = await dataSource.getRepository(TotpFactor).findOneByOrFail({ userId: account.user.id });
      expect(factor.sealedSecret).toMatch(/^v1\./);
      expect(await dataSource.getRepository(RecoveryCode).countBy({ userId: account.user.id })).toBe(
        RECOVERY_CODE_COUNT,
      );
    });
  });

  describe('login', () => {
    it('should answer the mfaRequired step, and no tokens, for the right password', async () => {
      const account = await enrolledAccount();

      const response = await api(app)
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: account.password })
        .expect(200);

      expect(response.body).toEqual({
        mfaRequired: true,
        mfaToken: expect.stringMatching(/^[\w-]{43}$/),
        expiresIn: MFA_TOKEN_TTL_SECONDS,
      });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('should still answer 401 for a wrong password', async () => {
      const account = await enrolledAccount();

      const response = await api(app)
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: 'wrong password' });

      expectProblem(response, 401);
    });

    it('should start a session for the mfaToken and a code the client computes', async () => {
      const account = await enrolledAccount();
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);

      const response = await mfa.verify(app, { mfaToken, code: nextCode(clock, account.secret) }).expect(200);

      const tokens = response.body as TokenBody;
      expect(tokens).toEqual({
        tokenType: 'Bearer',
        accessToken: expect.any(String),
        expiresIn: 900,
        refreshToken: expect.any(String),
        refreshExpiresIn: expect.any(Number),
        deviceToken: expect.any(String),
      });
      expect(response.headers['cache-control']).toBe('no-store');
      await expectAccessWorks(app, tokens);
    });

    it('should refuse a code that was already used (403)', async () => {
      const account = await enrolledAccount();
      const code = nextCode(clock, account.secret);
      const first = await loginToMfaStep(app, account.email, account.password);
      await mfa.verify(app, { mfaToken: first.mfaToken, code }).expect(200);

      const second = await loginToMfaStep(app, account.email, account.password);

      expectProblem(await mfa.verify(app, { mfaToken: second.mfaToken, code }), 403);
    });

    it('should refuse the code of a step older than the last one used', async () => {
      const account = await enrolledAccount();
      const older = nextCode(clock, account.secret);
      await loginWithTotp(app, clock, account);
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);

      expectProblem(await mfa.verify(app, { mfaToken, code: older }), 403);
    });

    it('should let exactly one of two concurrent uses of one code win', async () => {
      const account = await enrolledAccount();
      const code = nextCode(clock, account.secret);
      const steps = await Promise.all(
        Array.from({ length: 4 }, () => loginToMfaStep(app, account.email, account.password)),
      );

      const answers = await Promise.all(steps.map(({ mfaToken }) => mfa.verify(app, { mfaToken, code })));

      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 403, 403, 403]);
    });

    it('should let exactly one of two concurrent verifies of one mfaToken win', async () => {
      const account = await enrolledAccount();
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
      clock.advanceSeconds(30);
      const codes = [
        totpCode(account.secret, clock.now()),
        totpCode(account.secret, new Date(clock.now().getTime() + 30_000)),
      ];

      const answers = await Promise.all(codes.map((code) => mfa.verify(app, { mfaToken, code })));

      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    });

    it('should accept the codes of the steps next to the current one and refuse those two steps away', async () => {
      const account = await enrolledAccount();
      clock.advanceSeconds(90);
      const at = (offsetSeconds: number) =>
        totpCode(account.secret, new Date(clock.now().getTime() + offsetSeconds * 1000));
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);

      expectProblem(await mfa.verify(app, { mfaToken, code: at(-60) }), 403);
      expectProblem(await mfa.verify(app, { mfaToken, code: at(60) }), 403);
      await mfa.verify(app, { mfaToken, code: at(-30) }).expect(200);
      const next = await loginToMfaStep(app, account.email, account.password);
      await mfa.verify(app, { mfaToken: next.mfaToken, code: at(30) }).expect(200);
    });

    it('should accept a recovery code once, written in any case and without dashes', async () => {
      const account = await enrolledAccount();
      const [code] = account.recoveryCodes;
      const first = await loginToMfaStep(app, account.email, account.password);

      await mfa
        .verify(app, { mfaToken: first.mfaToken, recoveryCode: code.replace(/-/g, '').toUpperCase() })
        .expect(200);

      const second = await loginToMfaStep(app, account.email, account.password);
      expectProblem(await mfa.verify(app, { mfaToken: second.mfaToken, recoveryCode: code }), 403);
      await mfa.verify(app, { mfaToken: second.mfaToken, recoveryCode: account.recoveryCodes[1] }).expect(200);
    });

    it('should refuse the mfaToken as a Bearer token on every other route', async () => {
      const account = await enrolledAccount();
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);

      expectTokenRefused(await getMe(app, mfaToken));
      expectTokenRefused(await api(app).get('/api/v1/auth/verify').set(bearer(mfaToken)));
      expectTokenRefused(await mfa.setup(app, mfaToken));
      expectProblem(await refresh(app, mfaToken), 401);
    });

    it('should accept an mfaToken for 5 minutes and no longer', async () => {
      const account = await enrolledAccount();
      const early = await loginToMfaStep(app, account.email, account.password);
      const late = await loginToMfaStep(app, account.email, account.password);

      clock.advanceSeconds(MFA_TOKEN_TTL_SECONDS - 1);
      await mfa.verify(app, { mfaToken: early.mfaToken, code: totpCode(account.secret, clock.now()) }).expect(200);
      clock.advanceSeconds(1);

      expectProblem(
        await mfa.verify(app, { mfaToken: late.mfaToken, code: totpCode(account.secret, clock.now()) }),
        401,
      );
    });

    it('should delete expired mfaTokens in the clean-up, and keep live ones', async () => {
      const account = await enrolledAccount();
      const challenges = () => app.get(DataSource).getRepository(MfaChallenge).countBy({ userId: account.user.id });
      await loginToMfaStep(app, account.email, account.password);

      clock.advanceSeconds(MFA_TOKEN_TTL_SECONDS - 1);
      await app.get(CleanupService).run();
      expect(await challenges()).toBe(1);
      clock.advanceSeconds(1);
      await app.get(CleanupService).run();

      expect(await challenges()).toBe(0);
    });

    it('should kill an mfaToken after 5 wrong tries, the right code included after', async () => {
      const account = await enrolledAccount();
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
      for (let attempt = 0; attempt < MFA_LIMITS.triesPerToken; attempt++) {
        expectProblem(await mfa.verify(app, { mfaToken, code: '000000' }), 403);
      }

      expectProblem(await mfa.verify(app, { mfaToken, code: nextCode(clock, account.secret) }), 401);
    });

    it('should accept an mfaToken only once', async () => {
      const account = await enrolledAccount();
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
      await mfa.verify(app, { mfaToken, code: nextCode(clock, account.secret) }).expect(200);

      expectProblem(await mfa.verify(app, { mfaToken, code: nextCode(clock, account.secret) }), 401);
    });

    it('should make an mfaToken useless once the password changed', async () => {
      const account = await enrolledAccount();
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
      await api(app)
        .post('/api/v1/auth/password')
        .set(bearer(account.tokens.accessToken))
        .send({ currentPassword: account.password, newPassword: 'a brand new passphrase' })
        .expect(204);

      expectProblem(await mfa.verify(app, { mfaToken, code: nextCode(clock, account.secret) }), 401);
    });

    it.each([
      ['an unknown token', { mfaToken: 'A'.repeat(43), code: '123456' }],
      ['a malformed token', { mfaToken: 'not-a-token', code: '123456' }],
    ])('should answer 401 for %s', async (_label, body) => {
      expectProblem(await mfa.verify(app, body), 401);
    });

    it.each([
      [
        'both a code and a recovery code',
        { code: '123456', recoveryCode: '1a2b3-c4d5e-6f7a8-b9c0d' },
        ['code', 'recoveryCode'],
      ],
      ['neither', {}, ['code', 'recoveryCode']],
      ['a 5-digit code', { code: '12345' }, ['code']],
      ['a malformed recovery code', { recoveryCode: 'nope' }, ['recoveryCode']],
    ])('should answer 400 for %s', async (_label, second, fields) => {
      expectFieldErrors(await mfa.verify(app, { mfaToken: 'A'.repeat(43), ...second }), fields);
    });
  });

  describe('amr', () => {
    it('should say ["pwd"] after a password login', async () => {
      const { tokens } = await registerAndLogin(app);

      expect(decodeJwt(tokens.accessToken).claims.amr).toEqual(['pwd']);
    });

    it('should say ["pwd","otp"] after a code, after a recovery code, and across refreshes', async () => {
      const account = await enrolledAccount();
      const withCode = await loginWithTotp(app, clock, account);
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
      const withRecovery = (await mfa.verify(app, { mfaToken, recoveryCode: account.recoveryCodes[0] }).expect(200))
        .body as TokenBody;

      const refreshed = (await refresh(app, withCode.refreshToken).expect(200)).body as TokenBody;

      for (const tokens of [withCode, withRecovery, refreshed]) {
        expect(decodeJwt(tokens.accessToken).claims.amr).toEqual(['pwd', 'otp']);
      }
      const verified = await api(app).get('/api/v1/auth/verify').set(bearer(refreshed.accessToken)).expect(200);
      expect(verified.body).toMatchObject({ amr: ['pwd', 'otp'] });
      expect(verified.headers['x-auth-amr']).toBe('pwd,otp');
    });
  });

  describe('turning two-factor off', () => {
    it('should need the password and a code, then end the other sessions and keep this one', async () => {
      const account = await enrolledAccount();
      const other = await loginWithTotp(app, clock, account);

      expectProblem(
        await mfa.disable(app, account.tokens.accessToken, {
          password: 'wrong password',
          code: nextCode(clock, account.secret),
        }),
        403,
      );
      expectProblem(
        await mfa.disable(app, account.tokens.accessToken, { password: account.password, code: '000000' }),
        403,
      );
      await mfa
        .disable(app, account.tokens.accessToken, { password: account.password, code: nextCode(clock, account.secret) })
        .expect(204);

      await expectSessionEnded(app, other);
      await expectAccessWorks(app, account.tokens);
      expect((await getMe(app, account.tokens.accessToken)).body).toMatchObject({ mfaEnabled: false });
      expect(await login(app, account.email, account.password)).toHaveProperty('accessToken');
      expect(await app.get(DataSource).getRepository(TotpFactor).countBy({ userId: account.user.id })).toBe(0);
      const notice = await sink.waitForMail(account.email, 1, 'Two-factor sign-in was turned off');
      expect(notice.text).toContain('signing in now takes only the password');
    });

    it('should take a recovery code in place of the code', async () => {
      const account = await enrolledAccount();

      await mfa
        .disable(app, account.tokens.accessToken, { password: account.password, code: account.recoveryCodes[0] })
        .expect(204);
    });

    it('should answer 409 when two-factor is not on', async () => {
      const { tokens, password } = await registerAndLogin(app);

      expectProblem(await mfa.disable(app, tokens.accessToken, { password, code: '123456' }), 409);
    });

    it('should let a new setup start afterwards', async () => {
      const account = await enrolledAccount();
      await mfa
        .disable(app, account.tokens.accessToken, { password: account.password, code: nextCode(clock, account.secret) })
        .expect(204);

      await enableTotp(app, clock, account.tokens.accessToken);
    });

    it('should make an earlier mfaToken useless', async () => {
      const account = await enrolledAccount();
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
      await mfa
        .disable(app, account.tokens.accessToken, { password: account.password, code: nextCode(clock, account.secret) })
        .expect(204);

      expectProblem(await mfa.verify(app, { mfaToken, code: nextCode(clock, account.secret) }), 401);
    });
  });

  describe('new recovery codes', () => {
    it('should need the password and a code, and void the old set', async () => {
      const account = await enrolledAccount();
      expectProblem(
        await mfa.renewRecoveryCodes(app, account.tokens.accessToken, {
          password: 'wrong password',
          code: nextCode(clock, account.secret),
        }),
        403,
      );

      const response = await mfa
        .renewRecoveryCodes(app, account.tokens.accessToken, {
          password: account.password,
          code: nextCode(clock, account.secret),
        })
        .expect(200);

      const { recoveryCodes } = response.body as { recoveryCodes: string[] };
      expect(recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
      expect(recoveryCodes).not.toContain(account.recoveryCodes[0]);
      const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
      expectProblem(await mfa.verify(app, { mfaToken, recoveryCode: account.recoveryCodes[0] }), 403);
      await mfa.verify(app, { mfaToken, recoveryCode: recoveryCodes[0] }).expect(200);
    });
  });

  describe('audit', () => {
    it('should record every step, with no secret, code or token in it', async () => {
      const account = await enrolledAccount();
      const first = await loginToMfaStep(app, account.email, account.password);
      await mfa.verify(app, { mfaToken: first.mfaToken, code: '000000' }).expect(403);
      const tokens = (
        await mfa.verify(app, { mfaToken: first.mfaToken, code: nextCode(clock, account.secret) }).expect(200)
      ).body as TokenBody;
      const second = await loginToMfaStep(app, account.email, account.password);
      await mfa.verify(app, { mfaToken: second.mfaToken, recoveryCode: account.recoveryCodes[0] }).expect(200);
      const renewed = await mfa
        .renewRecoveryCodes(app, account.tokens.accessToken, {
          password: account.password,
          code: nextCode(clock, account.secret),
        })
        .expect(200);
      await mfa
        .disable(app, account.tokens.accessToken, { password: account.password, code: nextCode(clock, account.secret) })
        .expect(204);

      const { items } = await auditPage(app, admin.tokens.accessToken, { userId: account.user.id });

      expect(new Set(items.map((event) => event.type))).toEqual(
        new Set([
          'email.verification-sent',
          'mfa.setup-started',
          'mfa.enabled',
          'mfa.failed',
          'mfa.succeeded',
          'mfa.recovery-used',
          'mfa.recovery-codes-renewed',
          'mfa.disabled',
          'login.succeeded',
        ]),
      );
      const logged = JSON.stringify(items);
      const secrets = [
        account.secret,
        ...account.recoveryCodes,
        ...(renewed.body as { recoveryCodes: string[] }).recoveryCodes,
        first.mfaToken,
        second.mfaToken,
        tokens.accessToken,
        tokens.refreshToken,
        account.password,
      ];
      secrets.forEach((secret) => expect(logged).not.toContain(secret));
      expect(logged).not.toMatch(/"\d{6}"/);
    });
  });
});

describe('Two-factor codes are limited per account (e2e)', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;

  // An app of its own for each test: every test counts from one address, and counts are kept for an hour.
  beforeEach(async () => {
    clock = new FakeClock(TEN_MINUTES_AGO());
    app = await createTestApp({
      env: { RATE_LIMIT_ENABLED: 'true' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
  });

  afterEach(async () => {
    await app.close();
  });

  it('should hold the account back after 5 wrong codes however many mfaTokens, with 429 and Retry-After', async () => {
    const account = await registerAndLogin(app);
    const { secret } = await enableTotp(app, clock, account.tokens.accessToken);
    const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
    const code = nextCode(clock, secret);
    for (let attempt = 0; attempt < MFA_LIMITS.account; attempt++) {
      expectProblem(await mfa.verify(app, { mfaToken, code: '000000' }), 403);
    }
    const fresh = await loginToMfaStep(app, account.email, account.password);

    const blocked = await mfa.verify(app, { mfaToken: fresh.mfaToken, code });

    expectProblem(blocked, 429);
    const wait = Number(blocked.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    clock.advanceSeconds(wait);
    await mfa.verify(app, { mfaToken: fresh.mfaToken, code }).expect(200);
  });

  it("should not hold back a client that presents the account's device token", async () => {
    const account = await registerAndLogin(app);
    const { secret } = await enableTotp(app, clock, account.tokens.accessToken);
    const owner = fromAddress('127.0.0.2');
    const ownerLogin = (deviceToken?: string) =>
      api(app)
        .post('/api/v1/auth/login')
        .agent(owner)
        .send({ email: account.email, password: account.password, deviceToken });
    const ownerVerify = (body: Record<string, unknown>) =>
      api(app).post('/api/v1/auth/mfa/verify').agent(owner).send(body);
    const first = (await ownerLogin().expect(200)).body as MfaRequiredBody;
    const { deviceToken } = (await ownerVerify({ mfaToken: first.mfaToken, code: nextCode(clock, secret) }).expect(200))
      .body as TokenBody;
    const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
    const code = nextCode(clock, secret);
    for (let attempt = 0; attempt < MFA_LIMITS.account; attempt++) {
      expectProblem(await mfa.verify(app, { mfaToken, code: '000000' }), 403);
    }
    const stranger = await loginToMfaStep(app, account.email, account.password);
    expectProblem(await ownerVerify({ mfaToken: stranger.mfaToken, code }), 429);

    const trusted = (await ownerLogin(deviceToken).expect(200)).body as MfaRequiredBody;

    await ownerVerify({ mfaToken: trusted.mfaToken, code }).expect(200);
  });

  it('should hold a client back after 9 wrong codes across accounts', async () => {
    const first = await registerAndLogin(app);
    const second = await registerAndLogin(app);
    const { secret } = await enableTotp(app, clock, second.tokens.accessToken);
    await enableTotp(app, clock, first.tokens.accessToken);
    const code = nextCode(clock, secret);
    const firstStep = await loginToMfaStep(app, first.email, first.password);
    const secondStep = await loginToMfaStep(app, second.email, second.password);
    // 5 wrong codes for the first account, 4 for the second: neither account is held back, the client is.
    for (let attempt = 0; attempt < MFA_LIMITS.client; attempt++) {
      const { mfaToken } = attempt < MFA_LIMITS.pair ? firstStep : secondStep;
      expectProblem(await mfa.verify(app, { mfaToken, code: '000000' }), 403);
    }
    const fresh = await loginToMfaStep(app, second.email, second.password);

    const blocked = await mfa.verify(app, { mfaToken: fresh.mfaToken, code });

    expectProblem(blocked, 429);
    await mfa.verify(app, { mfaToken: fresh.mfaToken, code }).agent(fromAddress('127.0.0.3')).expect(200);
  });

  it('should count wrong codes when turning two-factor off too', async () => {
    const account = await registerAndLogin(app);
    const { secret } = await enableTotp(app, clock, account.tokens.accessToken);
    const code = nextCode(clock, secret);
    for (let attempt = 0; attempt < MFA_LIMITS.account; attempt++) {
      expectProblem(
        await mfa.disable(app, account.tokens.accessToken, { password: account.password, code: '000000' }),
        403,
      );
    }

    const blocked = await mfa.disable(app, account.tokens.accessToken, { password: account.password, code });

    expectProblem(blocked, 429);
  });
});
