import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Response } from 'supertest';
import { TokenBody } from '../factories/users';
import { api, bearer, expectProblem } from './http';
import { decodeJwt } from './jwt';

/** The problem body and headers of a sent access token that is refused (bad, expired or revoked alike). */
export function expectTokenRefused(response: Response): void {
  expectProblem(response, 401);
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
}

/** POST /auth/refresh with this refresh token. */
export function refresh(app: NestFastifyApplication, refreshToken: string) {
  return api(app).post('/api/v1/auth/refresh').send({ refreshToken });
}

/** GET /users/me with this access token: the cheapest request that needs a live token. */
export function getMe(app: NestFastifyApplication, accessToken: string) {
  return api(app).get('/api/v1/users/me').set(bearer(accessToken));
}

/** POST /auth/login from a client that names itself with this User-Agent. */
export async function loginFrom(
  app: NestFastifyApplication,
  email: string,
  password: string,
  userAgent = 'bastion-e2e',
): Promise<TokenBody> {
  const response = await api(app)
    .post('/api/v1/auth/login')
    .set('User-Agent', userAgent)
    .send({ email, password })
    .expect(200);
  return response.body as TokenBody;
}

/** The session id (`sid`) of an access token. */
export function sidOf(tokens: TokenBody | string): string {
  return decodeJwt(typeof tokens === 'string' ? tokens : tokens.accessToken).claims.sid as string;
}

/** The signing key id (`kid`) of an access token. */
export function kidOf(tokens: TokenBody | string): string {
  return decodeJwt(typeof tokens === 'string' ? tokens : tokens.accessToken).header.kid as string;
}

/**
 * Asserts that a session is over for the client that held these tokens: its access token is refused on the very next
 * request and its refresh token no longer works.
 */
export async function expectSessionEnded(app: NestFastifyApplication, tokens: TokenBody): Promise<void> {
  expectTokenRefused(await getMe(app, tokens.accessToken));
  expectProblem(await refresh(app, tokens.refreshToken), 401);
}

/** Asserts that a session still works: its access token is accepted. (The refresh token is left unused.) */
export async function expectAccessWorks(app: NestFastifyApplication, tokens: TokenBody | string): Promise<void> {
  await getMe(app, typeof tokens === 'string' ? tokens : tokens.accessToken).expect(200);
}
