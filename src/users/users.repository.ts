import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Role } from '../common/role';
import { LockName, runInLockedTransaction } from '../database/database-lock';
import { PreparedLookup } from '../database/prepared-lookup';
import { User } from './user.entity';

export interface UserPage {
  items: User[];
  total: number;
}

/** The fields an update may set; every other column keeps what the database holds. */
export type UserChanges = Partial<Pick<User, 'displayName' | 'roles' | 'disabled'>>;

// Roles are stored as a JSON array, so an admin is a row whose roles contain the quoted role name.
const ENABLED_ADMIN_PARAMETERS = { notDisabled: false, adminRole: `%"${Role.Admin}"%` };
const enabledAdmin = (alias: string) => `${alias}disabled = :notDisabled AND ${alias}roles LIKE :adminRole`;

@Injectable()
export class UsersRepository {
  // Read on every GET /users/me, login and refresh.
  private readonly byId: PreparedLookup<User>;
  private readonly byEmail: PreparedLookup<User>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.byId = new PreparedLookup(dataSource, User, 'id');
    this.byEmail = new PreparedLookup(dataSource, User, 'email');
  }

  findById(id: string): Promise<User | null> {
    return this.byId.find(id);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.byEmail.find(email);
  }

  create(fields: Pick<User, 'email' | 'passwordHash' | 'displayName' | 'roles'>): Promise<User> {
    return this.users.save(this.users.create({ ...fields, disabled: false, emailVerifiedAt: null, mfaEnabled: false }));
  }

  /** Sets only these columns; disabling also raises the credential version. False when no such user exists. */
  update(id: string, changes: UserChanges): Promise<boolean> {
    return this.updateWhere(this.users.manager, id, changes, false);
  }

  /**
   * Like `update`, but only if an enabled admin other than this user remains, or this user is not one: of any number
   * of racing removals of the last admins, at least one admin survives. False when refused or when no such user exists.
   */
  updateKeepingAnAdmin(id: string, changes: UserChanges): Promise<boolean> {
    return runInLockedTransaction(this.dataSource, LockName.Admins, (manager) =>
      this.updateWhere(manager, id, changes, true),
    );
  }

  /** A new password: raises the credential version, unless it moved since `credentialVersion` was read. */
  async setPasswordHash(id: string, credentialVersion: number, passwordHash: string): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .update()
      .set({ passwordHash, credentialVersion: () => 'credential_version + 1' })
      .where('id = :id AND credential_version = :credentialVersion', { id, credentialVersion })
      .execute();
    return result.affected === 1;
  }

  /** The same password hashed with newer parameters; only if no credential change came in between. */
  async replacePasswordHash(id: string, credentialVersion: number, passwordHash: string): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .update()
      .set({ passwordHash })
      .where('id = :id AND credential_version = :credentialVersion', { id, credentialVersion })
      .execute();
    return result.affected === 1;
  }

  /** Records that the user controls their address, keeping the first time; false when no such user exists. */
  async markEmailVerified(id: string, at: Date): Promise<boolean> {
    await this.users
      .createQueryBuilder()
      .update()
      .set({ emailVerifiedAt: at })
      .where('id = :id AND email_verified_at IS NULL', { id })
      .execute();
    return this.users.existsBy({ id });
  }

  async delete(id: string): Promise<void> {
    await this.users.delete({ id });
  }

  /** Case-insensitive substring search over email and display name, newest first. */
  async findPage(search: string | undefined, offset: number, limit: number): Promise<UserPage> {
    const query = this.users
      .createQueryBuilder('user')
      .orderBy('user.createdAt', 'DESC')
      .addOrderBy('user.id')
      .skip(offset)
      .take(limit);
    if (search) {
      const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
      query.where(
        "(LOWER(user.email) LIKE :pattern ESCAPE '\\' OR LOWER(user.displayName) LIKE :pattern ESCAPE '\\')",
        { pattern },
      );
    }
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }

  private async updateWhere(
    manager: EntityManager,
    id: string,
    changes: UserChanges,
    keepAnAdmin: boolean,
  ): Promise<boolean> {
    const values = Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    ) as QueryDeepPartialEntity<User>;
    if (Object.keys(values).length === 0) {
      return manager.existsBy(User, { id });
    }
    if (changes.disabled === true) {
      values.credentialVersion = () => 'credential_version + 1';
    }
    const query = manager.createQueryBuilder().update(User).set(values).where('id = :id', { id });
    if (keepAnAdmin) {
      const others = `SELECT 1 FROM ${this.users.metadata.tableName} other WHERE other.id <> :id AND ${enabledAdmin('other.')}`;
      query.andWhere(`(NOT (${enabledAdmin('')}) OR EXISTS (${others}))`, ENABLED_ADMIN_PARAMETERS);
    }
    const result = await query.execute();
    return result.affected === 1;
  }
}
