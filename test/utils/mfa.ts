import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TOTP } from 'otpauth';
import { DEFAULT_PASSWORD, TokenBody } from '../factories/users';
import { FakeClock } from '../doubles/fake-clock';
import { api, bearer } from './http';

const MFA = '/api/v1/auth/mfa';

export interface MfaRequiredBody {
  mfaRequired: true;
  mfaToken: string;
  expiresIn: number;
}

/** The 6-digit code of this base32 secret at this time, as an authenticator app computes it. */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at.getTime() });
}

/**
 * A code of the next time step: each code is accepted once, so every use in a test moves the app's clock one step on.
 * (Start the clock in the past, so the access tokens it dates are not from the future.)
 */
export function nextCode(clock: FakeClock, secret: string): string {
  clock.advanceSeconds(30);
  return totpCode(secret, clock.now());
}

/** A typed client of the two-factor routes. */
export const mfa = {
  setup: (app: NestFastifyApplication, accessToken: string) =>
    api(app).post(`${MFA}/totp/setup`).set(bearer(accessToken)).send(),
  confirm: (app: NestFastifyApplication, accessToken: string, code: string, password = DEFAULT_PASSWORD) =>
    api(app).post(`${MFA}/totp/confirm`).set(bearer(accessToken)).send({ password, code }),
  disable: (app: NestFastifyApplication, accessToken: string, body: { password: string; code: string }) =>
    api(app).delete(`${MFA}/totp`).set(bearer(accessToken)).send(body),
  renewRecoveryCodes: (app: NestFastifyApplication, accessToken: string, body: { password: string; code: string }) =>
    api(app).post(`${MFA}/recovery-codes`).set(bearer(accessToken)).send(body),
  verify: (app: NestFastifyApplication, body: Record<string, unknown>) => api(app).post(`${MFA}/verify`).send(body),
};

/** Turns two-factor on for the holder of this access token; returns the secret and the recovery codes. */
export async function enableTotp(
  app: NestFastifyApplication,
  clock: FakeClock,
  accessToken: string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await mfa.setup(app, accessToken).expect(200);
  const { secret } = setup.body as { secret: string };
  const confirmed = await mfa.confirm(app, accessToken, nextCode(clock, secret)).expect(200);
  return { secret, recoveryCodes: (confirmed.body as { recoveryCodes: string[] }).recoveryCodes };
}

/** POST /auth/login for an account with two-factor on; fails unless the answer is the mfaRequired step. */
export async function loginToMfaStep(
  app: NestFastifyApplication,
  email: string,
  password: string,
): Promise<MfaRequiredBody> {
  const response = await api(app).post('/api/v1/auth/login').send({ email, password }).expect(200);
  const body = response.body as MfaRequiredBody;
  expect(body.mfaRequired).toBe(true);
  return body;
}

/** Both steps of a two-factor login with the next code; fails unless it yields tokens. */
export async function loginWithTotp(
  app: NestFastifyApplication,
  clock: FakeClock,
  account: { email: string; password: string; secret: string },
): Promise<TokenBody> {
  const { mfaToken } = await loginToMfaStep(app, account.email, account.password);
  const response = await mfa.verify(app, { mfaToken, code: nextCode(clock, account.secret) }).expect(200);
  return response.body as TokenBody;
}
