import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AuditEventType } from '../src/audit/audit-event-type';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { CleanupService } from '../src/auth/cleanup.service';
import { Clock } from '../src/common/clock';
import { register } from './factories/users';
import { createTestApp } from './utils/create-test-app';
import { FakeClock } from './doubles/fake-clock';
import { api, expectFieldErrors } from './utils/http';

const DAY = 86400;
const CONTROL = /[\p{Cc}\p{Cf}]/u;

describe('Failed-login audit rows keep what was typed only capped and clean (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const failedLogins = () =>
    app
      .get(DataSource)
      .getRepository(AuditEvent)
      .find({ where: { type: AuditEventType.LoginFailed } });

  it('should store at most 254 characters of the email, without control or format characters', async () => {
    // Terminal escapes, a bell, a backspace, a right-to-left override: the longest email a login accepts.
    const noise = '\u001b[2J\u001b[31mroot\u0007\u0008\u202e\u0085x';
    const email = `${noise.repeat(Math.ceil(320 / noise.length))}`.slice(0, 300) + '@example.test';
    expect(email.length).toBeLessThanOrEqual(320);
    const before = (await failedLogins()).length;

    await api(app).post('/api/v1/auth/login').send({ email, password: 'correct horse battery staple' }).expect(401);

    const rows = await failedLogins();
    expect(rows).toHaveLength(before + 1);
    const stored = rows.map((row) => row.details?.email as string).find((value) => value.includes('root'));
    expect(stored).toBeDefined();
    expect([...(stored as string)].length).toBeLessThanOrEqual(254);
    expect(stored).not.toMatch(CONTROL);
    expect(stored).toMatch(/^\[2j\[31mroot/);
  });

  it('should refuse a 10 000-character email with a 400 naming it, and record nothing', async () => {
    const email = `${'\u001b\u0007a'.repeat(3333)}@x.test`;
    const before = (await failedLogins()).length;

    const response = await api(app)
      .post('/api/v1/auth/login')
      .send({ email, password: 'correct horse battery staple' });

    expectFieldErrors(response, ['email']);
    expect(await failedLogins()).toHaveLength(before);
  });
});

describe('Audit retention: AUDIT_RETENTION, enforced by the clean-up job (e2e)', () => {
  const apps: NestFastifyApplication[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  async function appWith(env: Record<string, string>): Promise<{ app: NestFastifyApplication; clock: FakeClock }> {
    const clock = new FakeClock(new Date('2026-01-01T00:00:00Z'));
    const app = await createTestApp({ env, override: (builder) => builder.overrideProvider(Clock).useValue(clock) });
    apps.push(app);
    return { app, clock };
  }

  /** Registers a user and fails a login for them: one login.failed row about that user, at the clock's time. */
  async function eventAbout(app: NestFastifyApplication): Promise<string> {
    const { user, email } = await register(app);
    await api(app).post('/api/v1/auth/login').send({ email, password: 'not the password at all' }).expect(401);
    return user.id;
  }

  const rowsAbout = (app: NestFastifyApplication, userId: string) =>
    app.get(DataSource).getRepository(AuditEvent).countBy({ userId, type: AuditEventType.LoginFailed });

  it('should delete events older than 90 days by default and keep younger ones', async () => {
    const { app, clock } = await appWith({});
    const old = await eventAbout(app);
    clock.advanceSeconds(60 * DAY);
    const young = await eventAbout(app);

    clock.advanceSeconds(30 * DAY - 1);
    await app.get(CleanupService).run();
    expect(await rowsAbout(app, old)).toBe(1);

    clock.advanceSeconds(2);
    await app.get(CleanupService).run();
    expect(await rowsAbout(app, old)).toBe(0);
    expect(await rowsAbout(app, young)).toBe(1);
  });

  it('should follow AUDIT_RETENTION=7d', async () => {
    const { app, clock } = await appWith({ AUDIT_RETENTION: '7d' });
    const old = await eventAbout(app);
    clock.advanceSeconds(7 * DAY + 1);
    const young = await eventAbout(app);

    await app.get(CleanupService).run();

    expect(await rowsAbout(app, old)).toBe(0);
    expect(await rowsAbout(app, young)).toBe(1);
  });

  it('should keep everything with AUDIT_RETENTION=off', async () => {
    const { app, clock } = await appWith({ AUDIT_RETENTION: 'off' });
    const old = await eventAbout(app);
    clock.advanceSeconds(3650 * DAY);

    await app.get(CleanupService).run();

    expect(await rowsAbout(app, old)).toBe(1);
  });
});
