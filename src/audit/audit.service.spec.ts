import { Test } from '@nestjs/testing';
import { Clock } from '../common/clock';
import { FakeClock } from '../../test/doubles/fake-clock';
import { AppConfig } from '../config/app-config';
import { AuditEventType } from './audit-event-type';
import { AuditEvent } from './audit-event.entity';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

const NOW = new Date('2026-03-01T12:00:00.250Z');
const USER_ID = '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60';
const ADMIN_ID = '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const SESSION_ID = 'a1e2c3d4-0000-4000-8000-000000000002';
const CLIENT = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' };

function buildEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: 'c1e2c3d4-0000-4000-8000-000000000003',
    type: AuditEventType.LoginSucceeded,
    userId: USER_ID,
    actorId: null,
    sessionId: SESSION_ID,
    ip: CLIENT.ip,
    userAgent: CLIENT.userAgent,
    details: null,
    createdAt: NOW,
    ...overrides,
  };
}

describe('AuditService', () => {
  let service: AuditService;
  let events: jest.Mocked<Pick<AuditRepository, 'insert' | 'findPage' | 'deleteCreatedBefore'>>;
  let config: Pick<AppConfig, 'auditRetentionSeconds'>;

  beforeEach(async () => {
    events = {
      insert: jest.fn<Promise<void>, Parameters<AuditRepository['insert']>>(() => Promise.resolve()),
      findPage: jest.fn<ReturnType<AuditRepository['findPage']>, Parameters<AuditRepository['findPage']>>(() =>
        Promise.resolve({ items: [], total: 0 }),
      ),
      deleteCreatedBefore: jest.fn<Promise<number>, [Date]>(() => Promise.resolve(4)),
    };
    config = { auditRetentionSeconds: 90 * 86400 };
    const moduleRef = await Test.createTestingModule({
      providers: [
        AuditService,
        { provide: AuditRepository, useValue: events },
        { provide: Clock, useValue: new FakeClock(NOW) },
        { provide: AppConfig, useValue: config },
      ],
    }).compile();
    service = moduleRef.get(AuditService);
  });

  describe('record', () => {
    it('should store the type, the ids, the client and the details at the clock time', async () => {
      await expect(
        service.record(AuditEventType.RolesChanged, {
          userId: USER_ID,
          actorId: ADMIN_ID,
          sessionId: SESSION_ID,
          client: CLIENT,
          details: { roles: ['admin', 'user'] },
        }),
      ).resolves.toBeUndefined();

      expect(events.insert).toHaveBeenCalledTimes(1);
      expect(events.insert).toHaveBeenCalledWith(
        {
          type: AuditEventType.RolesChanged,
          userId: USER_ID,
          actorId: ADMIN_ID,
          sessionId: SESSION_ID,
          ip: CLIENT.ip,
          userAgent: CLIENT.userAgent,
          details: { roles: ['admin', 'user'] },
          createdAt: NOW,
        },
        undefined,
      );
    });

    it('should store null for everything it was not given', async () => {
      await service.record(AuditEventType.KeyRotated, {});

      expect(events.insert).toHaveBeenCalledWith(
        {
          type: AuditEventType.KeyRotated,
          userId: null,
          actorId: null,
          sessionId: null,
          ip: null,
          userAgent: null,
          details: null,
          createdAt: NOW,
        },
        undefined,
      );
    });

    it('should map a client without an address or user agent to nulls', async () => {
      await service.record(AuditEventType.Logout, { userId: USER_ID, client: { ip: null, userAgent: null } });

      expect(events.insert).toHaveBeenCalledWith(expect.objectContaining({ ip: null, userAgent: null }), undefined);
    });

    it('should store nothing beyond what it was passed: no extra member of the context or of the client', async () => {
      const context = {
        userId: USER_ID,
        client: { ...CLIENT, authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln' },
        details: { email: 'ada@example.org' },
        password: 'correct horse battery staple',
        refreshToken: 'A'.repeat(43),
      };

      await service.record(AuditEventType.LoginFailed, context);

      const [stored] = events.insert.mock.calls[0];
      expect(Object.keys(stored).sort()).toEqual(
        ['actorId', 'createdAt', 'details', 'ip', 'sessionId', 'type', 'userAgent', 'userId'].sort(),
      );
      expect(stored.details).toEqual({ email: 'ada@example.org' });
      const serialized = JSON.stringify(stored);
      expect(serialized).not.toContain('correct horse');
      expect(serialized).not.toContain('A'.repeat(43));
      expect(serialized).not.toContain('Bearer');
    });

    it('should strip control and format characters from details and cap each at 254 characters', async () => {
      const typed = `\u001b[31m${'a'.repeat(300)}\u202e\u0000`;

      await service.record(AuditEventType.LoginFailed, { details: { email: `x\r\n${typed}`, roles: ['\u0007user'] } });

      const [stored] = events.insert.mock.calls[0];
      expect(stored.details).toEqual({ email: `x[31m${'a'.repeat(254 - 5)}`, roles: ['user'] });
    });

    it('should not split a character made of two UTF-16 units when it caps', async () => {
      await service.record(AuditEventType.LoginFailed, { details: { email: `${'a'.repeat(253)}😀😀` } });

      expect(events.insert.mock.calls[0][0].details).toEqual({ email: `${'a'.repeat(253)}😀` });
    });

    it('should pass a repository failure on to the caller', async () => {
      events.insert.mockRejectedValue(new Error('database is locked'));

      await expect(service.record(AuditEventType.Logout, { userId: USER_ID })).rejects.toThrow('database is locked');
    });
  });

  describe('list', () => {
    it.each([
      [1, 20, 0],
      [3, 20, 40],
      [2, 7, 7],
      [5, 100, 400],
    ])('should read page %p of %p from offset %p', async (page, limit, offset) => {
      await service.list({ page, limit });

      expect(events.findPage).toHaveBeenCalledWith({ userId: undefined, type: undefined }, offset, limit);
    });

    it('should pass the user and type filters', async () => {
      await service.list({ page: 2, limit: 10, userId: USER_ID, type: AuditEventType.LoginFailed });

      expect(events.findPage).toHaveBeenCalledWith({ userId: USER_ID, type: AuditEventType.LoginFailed }, 10, 10);
    });

    it('should return the mapped items, the total and the paging it used', async () => {
      events.findPage.mockResolvedValue({
        items: [buildEvent(), buildEvent({ id: 'd1e2c3d4-0000-4000-8000-000000000004', details: { kid: 'k1' } })],
        total: 42,
      });

      await expect(service.list({ page: 3, limit: 20 })).resolves.toEqual({
        items: [
          {
            id: 'c1e2c3d4-0000-4000-8000-000000000003',
            type: AuditEventType.LoginSucceeded,
            userId: USER_ID,
            actorId: null,
            sessionId: SESSION_ID,
            ip: CLIENT.ip,
            userAgent: CLIENT.userAgent,
            details: null,
            createdAt: NOW,
          },
          expect.objectContaining({ id: 'd1e2c3d4-0000-4000-8000-000000000004', details: { kid: 'k1' } }),
        ],
        total: 42,
        page: 3,
        limit: 20,
      });
    });
  });

  describe('purgeExpired', () => {
    it('should delete the events created before now minus AUDIT_RETENTION', async () => {
      await expect(service.purgeExpired()).resolves.toBe(4);

      expect(events.deleteCreatedBefore).toHaveBeenCalledWith(new Date(NOW.getTime() - 90 * 86400 * 1000));
    });

    it('should delete nothing when AUDIT_RETENTION is off', async () => {
      config.auditRetentionSeconds = null;

      await expect(service.purgeExpired()).resolves.toBe(0);

      expect(events.deleteCreatedBefore).not.toHaveBeenCalled();
    });
  });
});
