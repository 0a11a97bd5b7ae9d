import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { ClientInfo } from '../common/http/client-info';
import { AuditEventType } from './audit-event-type';
import { AuditRepository } from './audit.repository';
import { AuditPageDto, toAuditEventResponse } from './dto/audit-event-response.dto';
import { ListAuditQuery } from './dto/list-audit.query';

export interface AuditContext {
  userId?: string | null;
  actorId?: string | null;
  sessionId?: string | null;
  client?: ClientInfo | null;
  details?: Record<string, string | string[]>;
}

/** Writes the security events that an operator reads at GET /admin/audit. */
@Injectable()
export class AuditService {
  constructor(
    private readonly events: AuditRepository,
    private readonly clock: Clock,
  ) {}

  record(type: AuditEventType, context: AuditContext): Promise<void> {
    return this.events.insert({
      type,
      userId: context.userId ?? null,
      actorId: context.actorId ?? null,
      sessionId: context.sessionId ?? null,
      ip: context.client?.ip ?? null,
      userAgent: context.client?.userAgent ?? null,
      details: context.details ?? null,
      createdAt: this.clock.now(),
    });
  }

  async list(query: ListAuditQuery): Promise<AuditPageDto> {
    const filter = { userId: query.userId, type: query.type };
    const { items, total } = await this.events.findPage(filter, (query.page - 1) * query.limit, query.limit);
    return { items: items.map(toAuditEventResponse), total, page: query.page, limit: query.limit };
  }
}
