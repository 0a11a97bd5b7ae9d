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
    // Instances starting together check and create the admin one at a time.
    await this.lock.withLock(LockName.AdminBootstrap, () => this.ensureAdmin(admin));
  }

  private async ensureAdmin(admin: { email: string; password: string }): Promise<void> {
    const existing = await this.users.findByEmail(admin.email);
    if (!existing) {
      await this.users.create({
        email: admin.email,
        passwordHash: await this.passwords.hash(admin.password),
        displayName: null,
        roles: [Role.Admin, Role.User],
      });
      this.logger.log(`Created the admin account ${admin.email}`);
      return;
    }
    // Whoever registered the address first must not become admin with a password of their own.
    if (!(await this.passwords.verify(existing.passwordHash, admin.password))) {
      throw new ConfigError([ADMIN_PASSWORD_MISMATCH]);
    }
    if (!existing.roles.includes(Role.Admin)) {
      await this.users.addRole(existing, Role.Admin);
      this.logger.log(`Made ${admin.email} an admin`);
    }
    if (existing.disabled) {
      this.logger.warn(`The admin account ${admin.email} is disabled and stays so; another admin can enable it`);
    }
  }
}
