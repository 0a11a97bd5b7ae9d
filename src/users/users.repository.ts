import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { PreparedLookup } from '../database/prepared-lookup';
import { User } from './user.entity';

export interface UserPage {
  items: User[];
  total: number;
}

@Injectable()
export class UsersRepository {
  // Read on every GET /users/me, login and refresh.
  private readonly byId: PreparedLookup<User>;
  private readonly byEmail: PreparedLookup<User>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() dataSource: DataSource,
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
    return this.users.save(this.users.create({ ...fields, disabled: false, emailVerifiedAt: null }));
  }

  save(user: User): Promise<User> {
    return this.users.save(user);
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

  /** Counts enabled admins; roles are stored as a JSON array, so this matches the quoted role name. */
  countActiveAdmins(): Promise<number> {
    return this.users
      .createQueryBuilder('user')
      .where('user.disabled = :disabled', { disabled: false })
      .andWhere('user.roles LIKE :admin', { admin: '%"admin"%' })
      .getCount();
  }
}
