import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/http/page.query';
import { AuditEventType } from '../audit-event-type';

export class ListAuditQuery extends PageQuery {
  /** Only events about this user. */
  @IsOptional()
  @IsUUID()
  userId?: string;

  /** Only events of this type. */
  @IsOptional()
  @IsEnum(AuditEventType)
  type?: AuditEventType;
}
