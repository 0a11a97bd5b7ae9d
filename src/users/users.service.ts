import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AuditEventType } from '../audit/audit-event-type';
import { AuditService } from '../audit/audit.service';
import type { ClientInfo } from '../common/http/client-info';
import { Clock } from '../common/clock';
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
import { UserChanges, UsersRepository } from './users.repository';

export const LAST_ADMIN = 'The last admin cannot be demoted, disabled or deleted.';

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
    private readonly clock: Clock,
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

  /** Adds a role, writing only the roles column. */
  async addRole(user: User, role: Role): Promise<void> {
    await this.users.update(user.id, { roles: sortRoles([...user.roles, role]) });
  }

  /** Stores a new password and raises the credential version; false if it moved since it was read. */
  setPasswordHash(user: User, passwordHash: string): Promise<boolean> {
    return this.users.setPasswordHash(user.id, user.credentialVersion, passwordHash);
  }

  /** Stores the same password hashed with newer parameters, unless the credentials changed since they were read. */
  async replacePasswordHash(user: User, passwordHash: string): Promise<void> {
    await this.users.replacePasswordHash(user.id, user.credentialVersion, passwordHash);
  }

  /** False when the user no longer exists. */
  markEmailVerified(id: string): Promise<boolean> {
    return this.users.markEmailVerified(id, this.clock.now());
  }

  async getProfile(id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.getById(id));
  }

  async updateProfile(id: string, changes: UpdateMeDto): Promise<UserResponseDto> {
    await this.write(id, { displayName: changes.displayName }, false);
    return this.getProfile(id);
  }

  async deleteOwnAccount(id: string, sessionId: string, password: string, actor: Actor): Promise<void> {
    const user = await this.getById(id);
    const check = () => this.passwords.verify(user.passwordHash, password);
    if (!(await this.passwordChecks.verify({ id, sessionId }, check))) {
      throw new ForbiddenException('The password is wrong.');
    }
    await this.remove(user.id, actor);
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
    const roles = changes.roles && sortRoles(changes.roles);
    const rolesChanged = roles !== undefined && !sameRoles(user.roles, roles);
    const disabling = changes.disabled === true && !user.disabled;
    const removesAdmin = (roles !== undefined && !roles.includes(Role.Admin)) || changes.disabled === true;
    await this.write(
      id,
      { displayName: changes.displayName ?? undefined, roles, disabled: changes.disabled },
      removesAdmin,
    );
    if (rolesChanged) {
      await this.events.emitAsync(UserEvent.RolesChanged, new UserChangedEvent(user.id));
      await this.audit.record(AuditEventType.RolesChanged, {
        userId: user.id,
        ...actor,
        details: { roles },
      });
    }
    if (disabling) {
      await this.events.emitAsync(UserEvent.Disabled, new UserChangedEvent(user.id));
      await this.audit.record(AuditEventType.UserDisabled, { userId: user.id, ...actor });
    }
    return this.getUser(id);
  }

  async deleteUser(id: string, actor: Actor): Promise<void> {
    await this.remove(id, actor);
  }

  /**
   * The account is disabled first (a racing login or removal of the other last admin sees that at once), then its
   * sessions end (and their tokens are revoked), then the row goes: no token outlives its user.
   */
  private async remove(id: string, actor: Actor): Promise<void> {
    await this.write(id, { disabled: true }, true);
    await this.events.emitAsync(UserEvent.Deleted, new UserChangedEvent(id));
    await this.users.delete(id);
    await this.audit.record(AuditEventType.UserDeleted, { userId: id, ...actor });
  }

  private async getById(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) {
      throw new NotFoundException('No user has this id.');
    }
    return user;
  }

  /** Writes only these fields; one that would remove the last enabled admin is refused (409), unchanged. */
  private async write(id: string, changes: UserChanges, removesAdmin: boolean): Promise<void> {
    const written = removesAdmin
      ? await this.users.updateKeepingAnAdmin(id, changes)
      : await this.users.update(id, changes);
    if (!written) {
      await this.getById(id);
      throw new ConflictException(LAST_ADMIN);
    }
  }
}

function sortRoles(roles: Role[]): Role[] {
  return [...new Set(roles)].sort();
}

function sameRoles(current: Role[], next: Role[]): boolean {
  return sortRoles(current).join() === sortRoles(next).join();
}
