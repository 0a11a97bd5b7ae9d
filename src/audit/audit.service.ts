import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import type { ClientInfo } from '../common/http/client-info';
import { AppConfig } from '../config/app-config';
import { AuditEventType } from './audit-event-type';
import { AuditRepository } from './audit.repository';
import { AuditPageDto, toAuditEventResponse } from './dto/audit-event-response.dto';
import { ListAuditQuery } from './dto/list-audit.query';

/** The longest an email address can be (RFC 5321); no detail needs more. */
export const MAX_DETAIL_LENGTH = 254;
// Control and format characters (terminal escapes, bidi overrides) would reach the terminal of whoever reads the log.
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/gu;

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
    private readonly config: AppConfig,
  ) {}

  /** Writes the event, within `manager`'s transaction when one is given. */
  record(type: AuditEventType, context: AuditContext, manager?: EntityManager): Promise<void> {
    return this.events.insert(
      {
        type,
        userId: context.userId ?? null,
        actorId: context.actorId ?? null,
        sessionId: context.sessionId ?? null,
        ip: context.client?.ip ?? null,
        userAgent: context.client?.userAgent ?? null,
        details: context.details ? cleanDetails(context.details) : null,
        createdAt: this.clock.now(),
      },
      manager,
    );
  }

  /** Whether an event of this type about this user was recorded within the last `withinMs`. */
  recordedRecently(type: AuditEventType, userId: string, withinMs: number): Promise<boolean> {
    return this.events.existsSince(userId, type, new Date(this.clock.now().getTime() - withinMs));
  }

  /** Deletes the events older than AUDIT_RETENTION; returns how many. */
  purgeExpired(): Promise<number> {
    const retention = this.config.auditRetentionSeconds;
    if (retention === null) {
      return Promise.resolve(0);
    }
    return this.events.deleteCreatedBefore(new Date(this.clock.now().getTime() - retention * 1000));
  }

  async list(query: ListAuditQuery): Promise<AuditPageDto> {
    const filter = { userId: query.userId, type: query.type };
    const { items, total } = await this.events.findPage(filter, (query.page - 1) * query.limit, query.limit);
    return { items: items.map(toAuditEventResponse), total, page: query.page, limit: query.limit };
  }
}

/** Details can hold what a client typed (the email of a failed login): printable only, and capped. */
function cleanDetails(details: Record<string, string | string[]>): Record<string, string | string[]> {
  const clean = (value: string) => [...value.replace(UNPRINTABLE, '')].slice(0, MAX_DETAIL_LENGTH).join('');
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => [key, Array.isArray(value) ? value.map(clean) : clean(value)]),
  );
}
