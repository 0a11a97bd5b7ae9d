import { Role } from '../common/role';
import { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/load-config';
import { DatabaseLock } from '../database/database-lock';
import { PasswordsService } from '../passwords/passwords.service';
import { User } from './user.entity';
import { UsersService } from './users.service';
import { ADMIN_PASSWORD_MISMATCH, AdminBootstrap } from './admin-bootstrap';

const ADMIN = { email: 'root@example.org', password: 'operator passphrase' };

function existingUser(overrides: Partial<User> = {}): User {
  return {
    id: '7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a0f',
    email: ADMIN.email,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo',
    displayName: null,
    roles: [Role.User],
    disabled: false,
    credentialVersion: 0,
    emailVerifiedAt: null,
    mfaEnabled: false,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe('AdminBootstrap', () => {
  let users: { findByEmail: jest.Mock; create: jest.Mock; addRole: jest.Mock };
  let passwords: { hash: jest.Mock; verify: jest.Mock };
  let bootstrap: AdminBootstrap;

  beforeEach(() => {
    users = {
      findByEmail: jest.fn(),
      create: jest.fn((fields: Partial<User>) => Promise.resolve(existingUser(fields))),
      addRole: jest.fn(() => Promise.resolve()),
    };
    passwords = { hash: jest.fn(() => Promise.resolve('new hash')), verify: jest.fn() };
    const lock = { withLock: (_name: unknown, work: () => Promise<unknown>) => work() };
    bootstrap = new AdminBootstrap(
      { admin: ADMIN } as AppConfig,
      users as unknown as UsersService,
      passwords as unknown as PasswordsService,
      lock as unknown as DatabaseLock,
    );
  });

  it('should create the admin when no account has the email', async () => {
    users.findByEmail.mockResolvedValue(null);

    await bootstrap.onApplicationBootstrap();

    expect(users.create).toHaveBeenCalledWith({
      email: ADMIN.email,
      passwordHash: 'new hash',
      displayName: null,
      roles: [Role.Admin, Role.User],
    });
  });

  it('should refuse to start, naming both variables, when ADMIN_PASSWORD is not the account password', async () => {
    users.findByEmail.mockResolvedValue(existingUser());
    passwords.verify.mockResolvedValue(false);

    await expect(bootstrap.onApplicationBootstrap()).rejects.toThrow(new ConfigError([ADMIN_PASSWORD_MISMATCH]));
    expect(ADMIN_PASSWORD_MISMATCH).toMatch(/^ADMIN_EMAIL, ADMIN_PASSWORD: /);
    expect(users.addRole).not.toHaveBeenCalled();
  });

  it('should add the admin role to an account whose password is ADMIN_PASSWORD', async () => {
    const user = existingUser();
    users.findByEmail.mockResolvedValue(user);
    passwords.verify.mockResolvedValue(true);

    await bootstrap.onApplicationBootstrap();

    expect(passwords.verify).toHaveBeenCalledWith(user.passwordHash, ADMIN.password);
    expect(users.addRole).toHaveBeenCalledWith(user, Role.Admin);
  });

  it('should leave a disabled admin disabled and write nothing', async () => {
    users.findByEmail.mockResolvedValue(existingUser({ roles: [Role.Admin, Role.User], disabled: true }));
    passwords.verify.mockResolvedValue(true);

    await expect(bootstrap.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(users.addRole).not.toHaveBeenCalled();
    expect(users.create).not.toHaveBeenCalled();
  });
});
