import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Response } from 'supertest';
import { KeyRotationService } from '../../src/auth/keys/key-rotation.service';
import { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { ADMIN_ENV, LoggedInUser, login, loginAsAdmin, registerAndLogin } from '../factories/users';
import { createTestApp } from '../utils/create-test-app';
import { FakeClock } from '../doubles/fake-clock';
import { api, bearer, expectProblem } from '../utils/http';
import { decodeJwt, JwtClaims, JwtHeader, signJwt } from '../utils/jwt';
import { Signer, signerOf } from '../utils/signing-keys';

type Route = 'me' | 'verify';
const ROUTES: Record<Route, string> = { me: '/api/v1/users/me', verify: '/api/v1/auth/verify' };

interface Forgery {
  header?: JwtHeader;
  claims?: JwtClaims;
  drop?: string[];
}

const CLIENT_ACTOR = { actorId: null, via: 'cli' } as const;

/**
 * Grey-box: tokens minted with the ring's real private key (unsealed from the database), each with one bad claim or
 * header member. Every one must get the one invalid-token 401, on a resource route and on the gateway route.
 */
describe('Forged tokens signed with the real key (grey-box, e2e)', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;
  let victim: LoggedInUser;
  let signer: Signer;
  let template: { header: JwtHeader; claims: JwtClaims };
  const rejections = {} as Record<Route, Response>;

  const call = (route: Route, token: string) => api(app).get(ROUTES[route]).set(bearer(token));

  /** A real token's header and claims, re-dated to now, with one change, signed by this key. */
  const mint = (forgery: Forgery = {}, by: Signer = signer): string => {
    const iat = Math.floor(Date.now() / 1000);
    const lifetime = (template.claims.exp as number) - (template.claims.iat as number);
    const claims: JwtClaims = { ...template.claims, iat, nbf: iat, exp: iat + lifetime, jti: randomUUID() };
    Object.assign(claims, forgery.claims);
    for (const name of forgery.drop ?? []) {
      delete claims[name];
    }
    const header: JwtHeader = { ...template.header, alg: by.algorithm, kid: by.kid, ...forgery.header };
    for (const name of Object.keys(header).filter((member) => header[member] === undefined)) {
      delete header[name];
    }
    return signJwt(header, claims, by.privateKey);
  };

  const expectRefusedEverywhere = async (token: string) => {
    for (const route of Object.keys(ROUTES) as Route[]) {
      const response = await call(route, token);
      expectProblem(response, 401);
      expect({ route, body: response.text, challenge: response.headers['www-authenticate'] }).toEqual({
        route,
        body: rejections[route].text,
        challenge: 'Bearer error="invalid_token"',
      });
    }
  };

  const expectAcceptedEverywhere = async (token: string) => {
    await call('me', token).expect(200);
    await call('verify', token).expect(200);
  };

  beforeAll(async () => {
    clock = new FakeClock();
    app = await createTestApp({
      env: ADMIN_ENV,
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    victim = await registerAndLogin(app);
    template = decodeJwt(victim.tokens.accessToken);
    // The baseline: a token whose signature is plainly wrong.
    const [head, body] = victim.tokens.accessToken.split('.');
    for (const route of Object.keys(ROUTES) as Route[]) {
      rejections[route] = await call(route, `${head}.${body}.AAAA`);
    }
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    clock.set(new Date());
    // Whatever key signs now, found by what the ring signs a fresh login with.
    signer = await signerOf(app, await login(app, victim.email, victim.password));
  });

  it('should accept a correctly minted token (the control: the forgeries below differ from it in one thing)', async () => {
    await expectAcceptedEverywhere(mint());
  });

  it.each<[string, Forgery]>([
    ['another aud', { claims: { aud: 'another-api' } }],
    ['aud as an array', { claims: { aud: ['another-api'] } }],
    ['no aud', { drop: ['aud'] }],
    ['another iss', { claims: { iss: 'https://evil.example' } }],
    ['no iss', { drop: ['iss'] }],
    ['typ JWT', { header: { typ: 'JWT' } }],
    ['no typ', { header: { typ: undefined } }],
    ['an exp in the past', { claims: { exp: Math.floor(Date.now() / 1000) - 120 } }],
    ['no exp', { drop: ['exp'] }],
    ['exp as a string', { claims: { exp: String(Math.floor(Date.now() / 1000) + 600) } }],
    ['no sub', { drop: ['sub'] }],
    ['an empty sub', { claims: { sub: '' } }],
    ['a numeric sub', { claims: { sub: 42 } }],
    ['no sid', { drop: ['sid'] }],
    ['an empty sid', { claims: { sid: '' } }],
    ['no jti', { drop: ['jti'] }],
    ['an empty jti', { claims: { jti: '' } }],
    ['another client_id', { claims: { client_id: 'another-client' } }],
    ['no client_id', { drop: ['client_id'] }],
    ['an nbf in the future', { claims: { nbf: Math.floor(Date.now() / 1000) + 120 } }],
    ['an unknown crit header', { header: { crit: ['x-bastion-unknown'], 'x-bastion-unknown': true } }],
  ])('should refuse a token with %s', async (_label, forgery) => {
    await expectRefusedEverywhere(mint(forgery));
  });

  it('should refuse a token with an iat in the future, even with a lifetime that looks right', async () => {
    const iat = Math.floor(Date.now() / 1000) + 120;
    const lifetime = (template.claims.exp as number) - (template.claims.iat as number);

    await expectRefusedEverywhere(mint({ claims: { iat, exp: iat + lifetime } }));
  });

  it('should refuse a token of a key retired past its window', async () => {
    const retired = signer;
    await app.get(KeyRotationService).rotate(CLIENT_ACTOR);
    const { accessTokenTtlSeconds, clockToleranceSeconds } = app.get(AppConfig).jwt;
    clock.advanceSeconds(accessTokenTtlSeconds + clockToleranceSeconds + 1);
    await app.get(KeyRotationService).maintain();
    clock.set(new Date());
    const current = await signerOf(app, await login(app, victim.email, victim.password));

    await expectAcceptedEverywhere(mint({}, current));
    await expectRefusedEverywhere(mint({}, retired));
  });

  it('should refuse a token of a revoked key', async () => {
    const revoked = signer;
    await app.get(KeyRotationService).revoke(revoked.kid, CLIENT_ACTOR);
    const current = await signerOf(app, await login(app, victim.email, victim.password));

    await expectAcceptedEverywhere(mint({}, current));
    await expectRefusedEverywhere(mint({}, revoked));
  });

  const deleteSelf = (doomed: LoggedInUser) =>
    api(app).delete(ROUTES.me).set(bearer(doomed.tokens.accessToken)).send({ password: doomed.password });
  const deleteByAdmin = async (doomed: LoggedInUser) =>
    api(app)
      .delete(`/api/v1/users/${doomed.user.id}`)
      .set(bearer((await loginAsAdmin(app)).tokens.accessToken));

  it.each([
    ['deleted themselves', deleteSelf],
    ['deleted by an admin', deleteByAdmin],
  ])('should refuse the sub of a user %s, even with a fresh sid and a fresh iat', async (_label, remove) => {
    const doomed = await registerAndLogin(app);
    const forDoomed = { sub: doomed.user.id, sid: randomUUID() };
    await expectAcceptedEverywhere(mint({ claims: forDoomed }));

    expect((await remove(doomed)).status).toBe(204);

    await expectRefusedEverywhere(doomed.tokens.accessToken);
    await expectRefusedEverywhere(mint({ claims: forDoomed }));
    await expectRefusedEverywhere(mint({ claims: { ...forDoomed, sid: randomUUID() } }));
  });
});
