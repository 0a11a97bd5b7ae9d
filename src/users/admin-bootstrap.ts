import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Role } from '../common/role';
import { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/load-config';
import { DatabaseLock, LockName } from '../database/database-lock';
import { PasswordsService } from '../passwords/passwords.service';
import { UsersService } from './users.service';

export const ADMIN_PASSWORD_MISMATCH =
  'ADMIN_EMAIL, ADMIN_PASSWORD: an account with this email exists and ADMIN_PASSWORD is not its password ' +
  '(someone may have registered the address); remove or rename that account, or set ADMIN_PASSWORD to its password';

/** What ensureAdmin found and did; `wrong-password` changed nothing. */
export type AdminOutcome = 'created' | 'promoted' | 'already-admin' | 'wrong-password';

export interface EnsuredAdmin {
  outcome: AdminOutcome;
  /** The account's id; null when the password was wrong. */
  userId: string | null;
  disabled: boolean;
}

/** Makes sure the admin named by ADMIN_EMAIL/ADMIN_PASSWORD exists; there is no default account otherwise. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly passwords: PasswordsService,
    private readonly lock: DatabaseLock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) {
      return;
    }
    const { outcome, disabled } = await this.ensureAdmin(admin.email, admin.password);
    if (outcome === 'wrong-password') {
      throw new ConfigError([ADMIN_PASSWORD_MISMATCH]);
    }
    if (outcome === 'created') {
      this.logger.log(`Created the admin account ${admin.email}`);
    } else if (outcome === 'promoted') {
      this.logger.log(`Made ${admin.email} an admin`);
    }
    if (disabled) {
      this.logger.warn(`The admin account ${admin.email} is disabled and stays so; another admin can enable it`);
    }
  }

  /**
   * Creates the admin account, or makes the existing account with this email an admin when `password` is its
   * password; a disabled account stays disabled. Used at start-up and by `npm run users:create-admin`.
   */
  ensureAdmin(email: string, password: string): Promise<EnsuredAdmin> {
    // Instances starting together check and create the admin one at a time.
    return this.lock.withLock(LockName.AdminBootstrap, async () => {
      const existing = await this.users.findByEmail(email);
      if (!existing) {
        const passwordHash = await this.passwords.hash(password);
        const created = await this.users.create({
          email,
          passwordHash,
          displayName: null,
          roles: [Role.Admin, Role.User],
        });
        return { outcome: 'created', userId: created.id, disabled: false };
      }
      // Whoever registered the address first must not become admin with a password of their own.
      if (!(await this.passwords.verify(existing.passwordHash, password))) {
        return { outcome: 'wrong-password', userId: null, disabled: existing.disabled };
      }
      if (existing.roles.includes(Role.Admin)) {
        return { outcome: 'already-admin', userId: existing.id, disabled: existing.disabled };
      }
      await this.users.addRole(existing, Role.Admin);
      return { outcome: 'promoted', userId: existing.id, disabled: existing.disabled };
    });
  }
}
