import { Clock } from '../common/clock';
import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { AuditEventType } from '../audit/audit-event-type';
import { AuditService } from '../audit/audit.service';
import { AuditStub, createAuditStub } from '../../test/doubles/audit-stub';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { Role } from '../common/role';
import { PasswordsService } from '../passwords/passwords.service';
import { PasswordCheckThrottle } from '../throttle/password-check-throttle';
import { UserChangedEvent, UserEvent } from './user.events';
import { User } from './user.entity';
import { UserChanges, UsersRepository } from './users.repository';
import { Actor, LAST_ADMIN, UsersService } from './users.service';

const USER_ID = '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60';
const ADMIN_ID = '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const SESSION_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const ACTOR: Actor = { actorId: ADMIN_ID, client: { ip: '198.51.100.4', userAgent: 'curl/8.5.0' } };
const SELF: Actor = { actorId: USER_ID, client: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0' } };

function buildUser(overrides: Partial<User> = {}): User {
  return {
    id: USER_ID,
    email: 'ada@example.org',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo',
    displayName: 'Ada',
    roles: [Role.User],
    disabled: false,
    credentialVersion: 3,
    emailVerifiedAt: null,
    mfaEnabled: false,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-02T00:00:00Z'),
    ...overrides,
  };
}

describe('UsersService', () => {
  let service: UsersService;
  let users: jest.Mocked<
    Pick<
      UsersRepository,
      | 'findById'
      | 'findByEmail'
      | 'create'
      | 'update'
      | 'updateKeepingAnAdmin'
      | 'setPasswordHash'
      | 'replacePasswordHash'
      | 'delete'
      | 'findPage'
    >
  >;
  let passwords: { verify: jest.Mock<Promise<boolean>, [string, string]> };
  let events: { emitAsync: jest.Mock };
  let audit: AuditStub;
  let passwordChecks: { verify: jest.Mock };

  beforeEach(async () => {
    users = {
      findById: jest.fn(),
      findByEmail: jest.fn(),
      create: jest.fn(),
      update: jest.fn((_id: string, _changes: UserChanges) => Promise.resolve(true)),
      updateKeepingAnAdmin: jest.fn((_id: string, _changes: UserChanges) => Promise.resolve(true)),
      setPasswordHash: jest.fn((_id: string, _version: number, _hash: string) => Promise.resolve(true)),
      replacePasswordHash: jest.fn((_id: string, _version: number, _hash: string) => Promise.resolve(true)),
      delete: jest.fn((_id: string) => Promise.resolve()),
      findPage: jest.fn(),
    };
    passwords = { verify: jest.fn() };
    events = { emitAsync: jest.fn(() => Promise.resolve([])) };
    audit = createAuditStub();
    passwordChecks = { verify: jest.fn((_caller: unknown, check: () => Promise<boolean>) => check()) };
    const moduleRef = await Test.createTestingModule({
      providers: [
        UsersService,
        { provide: UsersRepository, useValue: users },
        { provide: PasswordsService, useValue: passwords },
        { provide: EventEmitter2, useValue: events },
        { provide: AuditService, useValue: audit },
        { provide: PasswordCheckThrottle, useValue: passwordChecks },
        Clock,
      ],
    }).compile();
    service = moduleRef.get(UsersService);
  });

  describe('create', () => {
    const newUser = { email: 'ada@example.org', passwordHash: 'hash', displayName: null, roles: [Role.User] };

    it('should refuse a duplicate email with 409', async () => {
      users.findByEmail.mockResolvedValue(buildUser());

      await expect(service.create(newUser)).rejects.toThrow(ConflictException);
      expect(users.findByEmail).toHaveBeenCalledWith('ada@example.org');
      expect(users.create).not.toHaveBeenCalled();
    });

    it('should create a user with a new email', async () => {
      const created = buildUser();
      users.findByEmail.mockResolvedValue(null);
      users.create.mockResolvedValue(created);

      await expect(service.create(newUser)).resolves.toBe(created);
      expect(users.create).toHaveBeenCalledWith(newUser);
    });
  });

  describe('getProfile', () => {
    it('should map the user to the response without the password hash', async () => {
      users.findById.mockResolvedValue(buildUser({ emailVerifiedAt: new Date('2026-01-03T00:00:00Z') }));

      await expect(service.getProfile(USER_ID)).resolves.toEqual({
        id: USER_ID,
        email: 'ada@example.org',
        displayName: 'Ada',
        roles: [Role.User],
        emailVerified: true,
        disabled: false,
        mfaEnabled: false,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        updatedAt: new Date('2026-01-02T00:00:00Z'),
      });
    });

    it('should answer 404 for an unknown id', async () => {
      users.findById.mockResolvedValue(null);

      await expect(service.getProfile(USER_ID)).rejects.toThrow(NotFoundException);
    });
  });

  describe('deleteOwnAccount', () => {
    it('should refuse a wrong password with 403 and delete nothing', async () => {
      users.findById.mockResolvedValue(buildUser());
      passwords.verify.mockResolvedValue(false);

      await expect(service.deleteOwnAccount(USER_ID, SESSION_ID, 'wrong password', SELF)).rejects.toThrow(
        ForbiddenException,
      );
      expect(passwords.verify).toHaveBeenCalledWith(buildUser().passwordHash, 'wrong password');
      expect(passwordChecks.verify).toHaveBeenCalledWith({ id: USER_ID, sessionId: SESSION_ID }, expect.any(Function));
      expect(users.delete).not.toHaveBeenCalled();
      expect(events.emitAsync).not.toHaveBeenCalled();
    });

    it('should announce the deletion and delete with the right password', async () => {
      users.findById.mockResolvedValue(buildUser());
      passwords.verify.mockResolvedValue(true);

      await expect(service.deleteOwnAccount(USER_ID, SESSION_ID, 'right password', SELF)).resolves.toBeUndefined();
      expect(events.emitAsync).toHaveBeenCalledWith(UserEvent.Deleted, new UserChangedEvent(USER_ID));
      expect(users.delete).toHaveBeenCalledWith(USER_ID);
    });

    it('should pass on the 429 of a throttled password check without checking the password', async () => {
      users.findById.mockResolvedValue(buildUser());
      passwordChecks.verify.mockRejectedValue(new TooManyRequestsException(4));

      await expect(service.deleteOwnAccount(USER_ID, SESSION_ID, 'right password', SELF)).rejects.toThrow(
        TooManyRequestsException,
      );
      expect(passwords.verify).not.toHaveBeenCalled();
      expect(users.delete).not.toHaveBeenCalled();
    });

    it('should refuse the last admin with 409', async () => {
      users.findById.mockResolvedValue(buildUser({ roles: [Role.Admin, Role.User] }));
      users.updateKeepingAnAdmin.mockResolvedValue(false);
      passwords.verify.mockResolvedValue(true);

      await expect(service.deleteOwnAccount(USER_ID, SESSION_ID, 'right password', SELF)).rejects.toThrow(
        ConflictException,
      );
      expect(users.delete).not.toHaveBeenCalled();
    });
  });

  describe('the last admin', () => {
    beforeEach(() => {
      users.findById.mockResolvedValue(buildUser({ roles: [Role.Admin, Role.User] }));
      // The repository refuses a write that would leave no enabled admin.
      users.updateKeepingAnAdmin.mockResolvedValue(false);
    });

    it('should not be demoted', async () => {
      await expect(service.updateUser(USER_ID, { roles: [Role.User] }, ACTOR)).rejects.toThrow(
        new ConflictException(LAST_ADMIN),
      );
      expect(users.updateKeepingAnAdmin).toHaveBeenCalledWith(USER_ID, { roles: [Role.User] });
      expect(users.update).not.toHaveBeenCalled();
      expect(events.emitAsync).not.toHaveBeenCalled();
    });

    it('should not be disabled', async () => {
      await expect(service.updateUser(USER_ID, { disabled: true }, ACTOR)).rejects.toThrow(ConflictException);
      expect(users.updateKeepingAnAdmin).toHaveBeenCalledWith(USER_ID, { disabled: true });
      expect(events.emitAsync).not.toHaveBeenCalled();
    });

    it('should not be deleted: the account is disabled under the rule first, and nothing else happens', async () => {
      await expect(service.deleteUser(USER_ID, ACTOR)).rejects.toThrow(ConflictException);
      expect(users.updateKeepingAnAdmin).toHaveBeenCalledWith(USER_ID, { disabled: true });
      expect(users.delete).not.toHaveBeenCalled();
      expect(events.emitAsync).not.toHaveBeenCalled();
    });

    it('should keep its display name editable, without the rule', async () => {
      await service.updateUser(USER_ID, { displayName: 'Root' }, ACTOR);

      expect(users.update).toHaveBeenCalledWith(USER_ID, { displayName: 'Root' });
      expect(users.updateKeepingAnAdmin).not.toHaveBeenCalled();
    });

    it('should answer 404, not 409, when the user is gone meanwhile', async () => {
      users.findById.mockResolvedValueOnce(buildUser({ roles: [Role.Admin] })).mockResolvedValue(null);

      await expect(service.updateUser(USER_ID, { disabled: true }, ACTOR)).rejects.toThrow(NotFoundException);
    });
  });

  it('should delete by disabling under the rule, announcing, then deleting the row, in that order', async () => {
    users.findById.mockResolvedValue(buildUser({ roles: [Role.Admin], disabled: true }));

    await expect(service.deleteUser(USER_ID, ACTOR)).resolves.toBeUndefined();

    expect(users.updateKeepingAnAdmin).toHaveBeenCalledWith(USER_ID, { disabled: true });
    const order = [users.updateKeepingAnAdmin, events.emitAsync, users.delete].map(
      (mock) => mock.mock.invocationCallOrder[0],
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  describe('updateUser writes', () => {
    it('should write only the fields given, with the roles sorted, and answer what the database holds then', async () => {
      users.findById
        .mockResolvedValueOnce(buildUser())
        .mockResolvedValueOnce(buildUser({ displayName: 'Countess', roles: [Role.Admin, Role.User] }));

      await expect(
        service.updateUser(USER_ID, { displayName: 'Countess', roles: [Role.User, Role.Admin] }, ACTOR),
      ).resolves.toMatchObject({ displayName: 'Countess', roles: [Role.Admin, Role.User], disabled: false });
      expect(users.update).toHaveBeenCalledWith(USER_ID, {
        displayName: 'Countess',
        roles: [Role.Admin, Role.User],
        disabled: undefined,
      });
    });

    it('should write the display name of updateProfile alone', async () => {
      users.findById.mockResolvedValue(buildUser({ displayName: 'Ada L.' }));

      await expect(service.updateProfile(USER_ID, { displayName: 'Ada L.' })).resolves.toMatchObject({
        displayName: 'Ada L.',
      });
      expect(users.update).toHaveBeenCalledWith(USER_ID, { displayName: 'Ada L.' });
    });
  });

  describe('updateUser events', () => {
    it('should emit user.roles-changed after writing a change of roles', async () => {
      users.findById.mockResolvedValue(buildUser({ roles: [Role.User] }));

      await service.updateUser(USER_ID, { roles: [Role.User, Role.Admin] }, ACTOR);

      expect(events.emitAsync).toHaveBeenCalledTimes(1);
      expect(events.emitAsync).toHaveBeenCalledWith('user.roles-changed', new UserChangedEvent(USER_ID));
      expect(users.update.mock.invocationCallOrder[0]).toBeLessThan(events.emitAsync.mock.invocationCallOrder[0]);
    });

    it('should emit user.disabled when disabling', async () => {
      users.findById.mockResolvedValue(buildUser());

      await service.updateUser(USER_ID, { disabled: true }, ACTOR);

      expect(events.emitAsync).toHaveBeenCalledTimes(1);
      expect(events.emitAsync).toHaveBeenCalledWith('user.disabled', new UserChangedEvent(USER_ID));
    });

    it('should emit both events when roles change and the user is disabled', async () => {
      users.findById.mockResolvedValue(buildUser({ roles: [Role.User] }));

      await service.updateUser(USER_ID, { roles: [Role.Admin], disabled: true }, ACTOR);

      expect(events.emitAsync.mock.calls.map(([name]) => name as string)).toEqual([
        'user.roles-changed',
        'user.disabled',
      ]);
    });

    it('should emit user.deleted when an admin deletes a user', async () => {
      users.findById.mockResolvedValue(buildUser());

      await expect(service.deleteUser(USER_ID, ACTOR)).resolves.toBeUndefined();
      expect(events.emitAsync).toHaveBeenCalledWith('user.deleted', new UserChangedEvent(USER_ID));
      expect(users.delete).toHaveBeenCalledWith(USER_ID);
    });

    it('should emit nothing when the roles are the same set in another order', async () => {
      users.findById.mockResolvedValue(buildUser({ roles: [Role.Admin, Role.User] }));

      await service.updateUser(USER_ID, { roles: [Role.User, Role.Admin] }, ACTOR);

      expect(events.emitAsync).not.toHaveBeenCalled();
      expect(users.updateKeepingAnAdmin).not.toHaveBeenCalled();
    });

    it('should emit nothing when disabling a user who is already disabled', async () => {
      users.findById.mockResolvedValue(buildUser({ disabled: true }));

      await service.updateUser(USER_ID, { disabled: true }, ACTOR);

      expect(events.emitAsync).not.toHaveBeenCalled();
    });

    it('should emit nothing for a display name change', async () => {
      users.findById.mockResolvedValue(buildUser());

      await service.updateUser(USER_ID, { displayName: 'Countess' }, ACTOR);

      expect(events.emitAsync).not.toHaveBeenCalled();
    });

    it('should answer 404 for an unknown id', async () => {
      users.findById.mockResolvedValue(null);

      await expect(service.updateUser(USER_ID, { disabled: true }, ACTOR)).rejects.toThrow(NotFoundException);
      expect(events.emitAsync).not.toHaveBeenCalled();
    });
  });

  describe('password writes', () => {
    it('should store a new password against the credential version read with the user', async () => {
      await expect(service.setPasswordHash(buildUser(), 'new hash')).resolves.toBe(true);
      expect(users.setPasswordHash).toHaveBeenCalledWith(USER_ID, 3, 'new hash');
    });

    it('should store a rehash against the credential version read with the user', async () => {
      await service.replacePasswordHash(buildUser(), 'rehashed');
      expect(users.replacePasswordHash).toHaveBeenCalledWith(USER_ID, 3, 'rehashed');
    });

    it('should add a role by writing the sorted roles alone', async () => {
      await service.addRole(buildUser({ roles: [Role.User] }), Role.Admin);
      expect(users.update).toHaveBeenCalledWith(USER_ID, { roles: [Role.Admin, Role.User] });
    });
  });

  describe('list', () => {
    it.each([
      [1, 20, 0],
      [3, 20, 40],
      [2, 7, 7],
      [5, 100, 400],
    ])('should read page %p of %p from offset %p', async (page, limit, offset) => {
      users.findPage.mockResolvedValue({ items: [], total: 0 });

      await service.list({ page, limit, search: 'ada' });

      expect(users.findPage).toHaveBeenCalledWith('ada', offset, limit);
    });

    it('should return the mapped items, the total and the paging it used', async () => {
      users.findPage.mockResolvedValue({ items: [buildUser()], total: 41 });

      const page = await service.list({ page: 3, limit: 20 });

      expect(page).toEqual({ items: [expect.objectContaining({ id: USER_ID })], total: 41, page: 3, limit: 20 });
      expect(page.items[0]).not.toHaveProperty('passwordHash');
      expect(users.findPage).toHaveBeenCalledWith(undefined, 40, 20);
    });
  });

  describe('audit events', () => {
    it('should record a change of roles with the actor, the client and the new roles', async () => {
      users.findById.mockResolvedValue(buildUser({ roles: [Role.User] }));

      await service.updateUser(USER_ID, { roles: [Role.User, Role.Admin] }, ACTOR);

      expect(audit.record).toHaveBeenCalledTimes(1);
      expect(audit.record).toHaveBeenCalledWith(AuditEventType.RolesChanged, {
        userId: USER_ID,
        actorId: ADMIN_ID,
        client: ACTOR.client,
        details: { roles: [Role.Admin, Role.User] },
      });
    });

    it('should record disabling with the actor and the client', async () => {
      users.findById.mockResolvedValue(buildUser());

      await service.updateUser(USER_ID, { disabled: true }, ACTOR);

      expect(audit.record).toHaveBeenCalledTimes(1);
      expect(audit.record).toHaveBeenCalledWith(AuditEventType.UserDisabled, {
        userId: USER_ID,
        actorId: ADMIN_ID,
        client: ACTOR.client,
      });
    });

    it('should record both events, each with the actor, when roles change and the user is disabled', async () => {
      users.findById.mockResolvedValue(buildUser({ roles: [Role.User] }));

      await service.updateUser(USER_ID, { roles: [Role.Admin], disabled: true }, ACTOR);

      expect(audit.record.mock.calls.map(([type, context]) => [type, context.actorId])).toEqual([
        [AuditEventType.RolesChanged, ADMIN_ID],
        [AuditEventType.UserDisabled, ADMIN_ID],
      ]);
    });

    it('should record a deletion by an admin with the admin as actor, after the row is gone', async () => {
      users.findById.mockResolvedValue(buildUser());

      await service.deleteUser(USER_ID, ACTOR);

      expect(audit.record).toHaveBeenCalledWith(AuditEventType.UserDeleted, {
        userId: USER_ID,
        actorId: ADMIN_ID,
        client: ACTOR.client,
      });
      expect(users.delete.mock.invocationCallOrder[0]).toBeLessThan(audit.record.mock.invocationCallOrder[0]);
    });

    it('should record the deletion of one’s own account with the user as actor', async () => {
      users.findById.mockResolvedValue(buildUser());
      passwords.verify.mockResolvedValue(true);

      await service.deleteOwnAccount(USER_ID, SESSION_ID, 'right password', SELF);

      expect(audit.record).toHaveBeenCalledWith(AuditEventType.UserDeleted, {
        userId: USER_ID,
        actorId: USER_ID,
        client: SELF.client,
      });
    });

    it('should record nothing for a display name change, a refused change or a wrong password', async () => {
      users.findById.mockResolvedValue(buildUser());
      await service.updateUser(USER_ID, { displayName: 'Countess' }, ACTOR);

      users.findById.mockResolvedValue(buildUser({ roles: [Role.Admin] }));
      users.updateKeepingAnAdmin.mockResolvedValue(false);
      await expect(service.updateUser(USER_ID, { disabled: true }, ACTOR)).rejects.toThrow(ConflictException);
      await expect(service.deleteUser(USER_ID, ACTOR)).rejects.toThrow(ConflictException);

      passwords.verify.mockResolvedValue(false);
      await expect(service.deleteOwnAccount(USER_ID, SESSION_ID, 'wrong password', SELF)).rejects.toThrow(
        ForbiddenException,
      );

      expect(audit.record).not.toHaveBeenCalled();
    });
  });
});
