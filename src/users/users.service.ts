import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AuditEventType } from '../audit/audit-event-type';
import { AuditService } from '../audit/audit.service';
import type { ClientInfo } from '../common/http/client-info';
import { Role } from '../common/role';
import { PasswordsService } from '../passwords/passwords.service';
import { PasswordCheckThrottle } from '../throttle/password-check-throttle';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateMeDto } from './dto/update-me.dto';
import { UserPageDto } from './dto/user-page.dto';
import { toUserResponse, UserResponseDto } from './dto/user-response.dto';
import { UserChangedEvent, UserEvent } from './user.events';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

/** Who made a change, for the audit log. */
export interface Actor {
  actorId: string;
  client: ClientInfo;
}

export interface NewUser {
  email: string;
  passwordHash: string;
  displayName: string | null;
  roles: Role[];
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordsService,
    private readonly passwordChecks: PasswordCheckThrottle,
    private readonly events: EventEmitter2,
    private readonly audit: AuditService,
  ) {}

  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email);
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  async create(newUser: NewUser): Promise<User> {
    if (await this.users.findByEmail(newUser.email)) {
      throw new ConflictException('An account with this email already exists.');
    }
    return this.users.create(newUser);
  }

  save(user: User): Promise<User> {
    return this.users.save(user);
  }

  async getProfile(id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.getById(id));
  }

  async updateProfile(id: string, changes: UpdateMeDto): Promise<UserResponseDto> {
    const user = await this.getById(id);
    user.displayName = changes.displayName;
    return toUserResponse(await this.users.save(user));
  }

  async deleteOwnAccount(id: string, sessionId: string, password: string, actor: Actor): Promise<void> {
    const user = await this.getById(id);
    const check = () => this.passwords.verify(user.passwordHash, password);
    if (!(await this.passwordChecks.verify({ id, sessionId }, check))) {
      throw new ForbiddenException('The password is wrong.');
    }
    await this.remove(user, actor);
  }

  async list(query: ListUsersQuery): Promise<UserPageDto> {
    const { items, total } = await this.users.findPage(query.search, (query.page - 1) * query.limit, query.limit);
    return { items: items.map(toUserResponse), total, page: query.page, limit: query.limit };
  }

  async getUser(id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.getById(id));
  }

  async updateUser(id: string, changes: AdminUpdateUserDto, actor: Actor): Promise<UserResponseDto> {
    const user = await this.getById(id);
    const rolesChanged = changes.roles !== undefined && !sameRoles(user.roles, changes.roles);
    const disabling = changes.disabled === true && !user.disabled;
    if ((rolesChanged && !changes.roles?.includes(Role.Admin)) || disabling) {
      await this.assertNotLastAdmin(user);
    }
    user.displayName = changes.displayName ?? user.displayName;
    user.roles = changes.roles ? sortRoles(changes.roles) : user.roles;
    user.disabled = changes.disabled ?? user.disabled;
    const saved = await this.users.save(user);
    if (rolesChanged) {
      await this.events.emitAsync(UserEvent.RolesChanged, new UserChangedEvent(user.id));
      await this.audit.record(AuditEventType.RolesChanged, {
        userId: user.id,
        ...actor,
        details: { roles: user.roles },
      });
    }
    if (disabling) {
      await this.events.emitAsync(UserEvent.Disabled, new UserChangedEvent(user.id));
      await this.audit.record(AuditEventType.UserDisabled, { userId: user.id, ...actor });
    }
    return toUserResponse(saved);
  }

  async deleteUser(id: string, actor: Actor): Promise<void> {
    await this.remove(await this.getById(id), actor);
  }

  /** Sessions end (and their tokens are revoked) before the row goes, so no token outlives its user. */
  private async remove(user: User, actor: Actor): Promise<void> {
    await this.assertNotLastAdmin(user);
    await this.events.emitAsync(UserEvent.Deleted, new UserChangedEvent(user.id));
    await this.users.delete(user.id);
    await this.audit.record(AuditEventType.UserDeleted, { userId: user.id, ...actor });
  }

  private async getById(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) {
      throw new NotFoundException('No user has this id.');
    }
    return user;
  }

  private async assertNotLastAdmin(user: User): Promise<void> {
    const isActiveAdmin = user.roles.includes(Role.Admin) && !user.disabled;
    if (isActiveAdmin && (await this.users.countActiveAdmins()) <= 1) {
      throw new ConflictException('The last admin cannot be demoted, disabled or deleted.');
    }
  }
}

function sortRoles(roles: Role[]): Role[] {
  return [...new Set(roles)].sort();
}

function sameRoles(current: Role[], next: Role[]): boolean {
  return sortRoles(current).join() === sortRoles(next).join();
}
