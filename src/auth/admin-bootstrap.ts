import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Role } from '../common/role';
import { AppConfig } from '../config/app-config';
import { DatabaseLock, LockName } from '../database/database-lock';
import { PasswordsService } from '../passwords/passwords.service';
import { UsersService } from '../users/users.service';

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
    } else if (!existing.roles.includes(Role.Admin) || existing.disabled) {
      // An existing account keeps its password; it is only made an enabled admin.
      existing.roles = [...new Set([...existing.roles, Role.Admin])].sort();
      existing.disabled = false;
      await this.users.save(existing);
      this.logger.log(`Made ${admin.email} an enabled admin`);
    }
  }
}
