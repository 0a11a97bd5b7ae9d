import { ApiProperty } from '@nestjs/swagger';
import { AuditEventType } from '../audit-event-type';
import { AuditEvent } from '../audit-event.entity';

export class AuditEventResponseDto {
  id: string;
  type: AuditEventType;
  /** The user the event is about, or null (e.g. a failed login for an unknown email). */
  userId: string | null;
  /** The admin who acted, when it was not the user. */
  actorId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Plain facts such as the new roles, a key id or the email of a failed login. */
  details: Record<string, string | string[]> | null;
  createdAt: Date;
}

export class AuditPageDto {
  items: AuditEventResponseDto[];
  @ApiProperty({ type: 'integer' })
  total: number;
  @ApiProperty({ type: 'integer' })
  page: number;
  @ApiProperty({ type: 'integer' })
  limit: number;
}

export function toAuditEventResponse(event: AuditEvent): AuditEventResponseDto {
  return {
    id: event.id,
    type: event.type,
    userId: event.userId,
    actorId: event.actorId,
    sessionId: event.sessionId,
    ip: event.ip,
    userAgent: event.userAgent,
    details: event.details,
    createdAt: event.createdAt,
  };
}
