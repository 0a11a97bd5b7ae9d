import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { insertOnly } from '../database/insert-only';
import { AuditEventType } from './audit-event-type';
import { AuditEvent } from './audit-event.entity';

export interface AuditFilter {
  userId?: string;
  type?: AuditEventType;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  /** Within `manager`'s transaction when one is given, so the event commits or rolls back with the change. */
  async insert(
    event: Omit<AuditEvent, 'id' | 'createdAt'> & { createdAt: Date },
    manager?: EntityManager,
  ): Promise<void> {
    await insertOnly(manager ? manager.getRepository(AuditEvent) : this.events, event);
  }

  /** Whether an event of this type about this user was recorded at or after `since` (an indexed lookup). */
  async existsSince(userId: string, type: AuditEventType, since: Date): Promise<boolean> {
    return this.events.existsBy({ userId, type, createdAt: MoreThanOrEqual(since) });
  }

  /** How many were deleted. */
  async deleteCreatedBefore(cutoff: Date): Promise<number> {
    return (await this.events.delete({ createdAt: LessThan(cutoff) })).affected ?? 0;
  }

  /** Newest first. */
  async findPage(filter: AuditFilter, offset: number, limit: number): Promise<{ items: AuditEvent[]; total: number }> {
    const where: FindOptionsWhere<AuditEvent> = {
      ...(filter.userId && { userId: filter.userId }),
      ...(filter.type && { type: filter.type }),
    };
    const [items, total] = await this.events.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
    return { items, total };
  }
}
