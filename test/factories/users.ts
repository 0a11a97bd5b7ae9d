import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { api, bearer } from '../utils/http';

export interface UserBody {
  id: string;
  email: string;
  displayName: string | null;
  roles: string[];
  emailVerified: boolean;
  disabled: boolean;
  mfaEnabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TokenBody {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  /** Login only. */
  deviceToken?: string;
}

export interface NewUser {
  email: string;
  password: string;
  displayName?: string;
}

export interface LoggedInUser {
  user: UserBody;
  tokens: TokenBody;
  email: string;
  password: string;
}

/** The admin that ADMIN_EMAIL/ADMIN_PASSWORD create at start-up; pass `ADMIN_ENV` as the app's env. */
export const ADMIN = { email: 'root@bastion.test', password: 'Adm1n pass for the e2e suite' } as const;
export const ADMIN_ENV = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

/** The password of every user `newUser` makes unless told otherwise. */
export const DEFAULT_PASSWORD = 'correct horse battery staple';

/** Registration details with an email no other test uses. */
export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  return {
    email: `user-${randomUUID().slice(0, 13)}@example.test`,
    password: DEFAULT_PASSWORD,
    ...overrides,
  };
}

export async function register(
  app: NestFastifyApplication,
  overrides: Partial<NewUser> = {},
): Promise<{ user: UserBody; email: string; password: string }> {
  const details = newUser(overrides);
  const response = await api(app).post('/api/v1/auth/register').send(details).expect(201);
  return { user: response.body as UserBody, email: details.email, password: details.password };
}

export async function login(app: NestFastifyApplication, email: string, password: string): Promise<TokenBody> {
  const response = await api(app).post('/api/v1/auth/login').send({ email, password }).expect(200);
  return response.body as TokenBody;
}

export async function registerAndLogin(
  app: NestFastifyApplication,
  overrides: Partial<NewUser> = {},
): Promise<LoggedInUser> {
  const registered = await register(app, overrides);
  return { ...registered, tokens: await login(app, registered.email, registered.password) };
}

/** Logs in as the bootstrap admin (the app must have been started with `ADMIN_ENV`). */
export async function loginAsAdmin(app: NestFastifyApplication): Promise<LoggedInUser> {
  const tokens = await login(app, ADMIN.email, ADMIN.password);
  const me = await api(app).get('/api/v1/users/me').set(bearer(tokens.accessToken)).expect(200);
  return { user: me.body as UserBody, tokens, email: ADMIN.email, password: ADMIN.password };
}
