import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Client } from '../../common/http/client-info';
import type { ClientInfo } from '../../common/http/client-info';
import { UUID_PARAM } from '../../common/http/uuid-param';
import { Auth } from '../decorators/auth.decorator';
import type { AuthUser } from '../decorators/auth-user';
import { CurrentUser } from '../decorators/current-user.decorator';
import { SessionResponseDto } from './session-response.dto';
import { AuthService } from '../auth.service';

@ApiTags('auth')
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly auth: AuthService) {}

  /**
   * List my sessions.
   *
   * @remarks The caller's live sessions, newest first; `current` marks the one making this request.
   */
  @Get()
  @Auth()
  @ApiOkResponse({ type: [SessionResponseDto] })
  listSessions(@CurrentUser() caller: AuthUser): Promise<SessionResponseDto[]> {
    return this.auth.listSessions(caller);
  }

  /**
   * End one of my sessions.
   *
   * @remarks Ends one of the caller's sessions, e.g. a lost phone; ending the current one is a logout.
   */
  @Delete(':id')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The session has ended.' })
  @ApiProblems(400, 404)
  endSession(
    @CurrentUser() caller: AuthUser,
    @Param('id', UUID_PARAM) id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.auth.endSession(caller, id, client);
  }
}
