import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { Role } from '../common/role';
import { AuditService } from './audit.service';
import { AuditPageDto } from './dto/audit-event-response.dto';
import { ListAuditQuery } from './dto/list-audit.query';

@ApiTags('admin')
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /**
   * List audit events.
   *
   * @remarks Security events, newest first, optionally for one user or of one type.
   */
  @Get()
  @Auth(Role.Admin)
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(400)
  listAuditEvents(@Query() query: ListAuditQuery): Promise<AuditPageDto> {
    return this.audit.list(query);
  }
}
