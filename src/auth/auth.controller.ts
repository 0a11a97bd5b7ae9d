import { Body, Controller, Get, Header, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { Client } from '../common/http/client-info';
import type { ClientInfo } from '../common/http/client-info';
import { ProblemDto } from '../common/problem.dto';
import { ROUTE_LIMITS } from '../throttle/limits';
import { RateLimit } from '../throttle/rate-limit.decorator';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { AuthService } from './auth.service';
import { Auth } from './decorators/auth.decorator';
import type { AuthUser } from './decorators/auth-user';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { AcceptedResponseDto } from './dto/accepted-response.dto';
import { LoginDto } from './dto/login.dto';
import { MfaRequiredResponseDto } from './mfa/dto/mfa-required-response.dto';
import { ChangePasswordDto } from './dto/change-password.dto';
import { RefreshDto } from './dto/refresh.dto';
import { RegisterDto } from './dto/register.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { toVerifyResponse, VerifyResponseDto } from './dto/verify-response.dto';
import { Metrics } from '../metrics/metrics';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Register an account.
   *
   * @remarks Creates an account with the role `user`.
   */
  @Post('register')
  @Public()
  @RateLimit(ROUTE_LIMITS.register)
  @ApiProblems(400, 409, 503)
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiAcceptedResponse({
    description:
      'With REQUIRE_EMAIL_VERIFICATION=true: the same answer whether or not the email is taken; a link is mailed.',
    type: AcceptedResponseDto,
  })
  async register(
    @Body() details: RegisterDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponseDto | AcceptedResponseDto> {
    const registration = await this.auth.register(details, client);
    if ('accepted' in registration) {
      void reply.status(HttpStatus.ACCEPTED);
      return registration.accepted;
    }
    return registration.created;
  }

  /**
   * Sign in.
   *
   * @remarks Exchanges an email and password for an access token and a refresh token, starting a session; with
   * two-factor sign-in on, for an mfaToken to send with a code to `/auth/mfa/verify` instead.
   */
  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiProblems(400, 429, 503)
  @ApiUnauthorizedResponse({
    description: 'The email or password is wrong, or the account is disabled.',
    type: ProblemDto,
  })
  @ApiForbiddenResponse({
    description:
      'REQUIRE_EMAIL_VERIFICATION=true and the email is not verified yet (`type` /problems/email-not-verified); ' +
      'only ever after the right password.',
    type: ProblemDto,
  })
  @ApiExtraModels(MfaRequiredResponseDto)
  @ApiOkResponse({
    description: 'Tokens; or, with two-factor sign-in on, an mfaToken for `/auth/mfa/verify` and no tokens.',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaRequiredResponseDto) }] },
  })
  login(
    @Body() credentials: LoginDto,
    @Client() client: ClientInfo,
  ): Promise<TokenResponseDto | MfaRequiredResponseDto> {
    return this.metrics.countLogin(this.auth.login(credentials, client));
  }

  /**
   * Refresh the tokens.
   *
   * @remarks Exchanges a refresh token for new tokens; the one presented stops working.
   */
  @Post('refresh')
  @Public()
  @RateLimit(ROUTE_LIMITS.refresh)
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiProblems(400)
  @ApiUnauthorizedResponse({
    description: 'The refresh token is unknown, expired, retired or revoked.',
    type: ProblemDto,
  })
  @ApiOkResponse({ type: TokenResponseDto })
  refresh(@Body() body: RefreshDto, @Client() client: ClientInfo): Promise<TokenResponseDto> {
    return this.metrics.countRefresh(this.auth.refresh(body.refreshToken, client));
  }

  /**
   * Sign out of this session.
   *
   * @remarks Ends the caller's session: its refresh token and every access token issued in it stop working at once.
   */
  @Post('logout')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The session has ended.' })
  logout(@CurrentUser() caller: AuthUser, @Client() client: ClientInfo): Promise<void> {
    return this.auth.logout(caller, client);
  }

  /**
   * Sign out everywhere.
   *
   * @remarks Ends every session of the caller, on every device.
   */
  @Post('logout-all')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Every session of the user has ended.' })
  logoutAll(@CurrentUser() caller: AuthUser, @Client() client: ClientInfo): Promise<void> {
    return this.auth.logoutAll(caller, client);
  }

  /**
   * Change the password.
   *
   * @remarks Changes the password after checking the current one; every session ends and a notice is mailed.
   * A fresh login works.
   */
  @Post('password')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The password is changed and every session has ended.' })
  @ApiProblems(400, 403, 409, 429, 503)
  changePassword(
    @CurrentUser() caller: AuthUser,
    @Body() change: ChangePasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.auth.changePassword(caller, change, client);
  }

  /**
   * Verify an access token.
   *
   * @remarks For gateways (nginx auth_request, Traefik ForwardAuth, Envoy ext_authz) and other services: 200 with who
   * the caller is when the token is good, 401 otherwise. Answers from the token and the revocation state alone.
   */
  @Get('verify')
  @Auth()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    type: VerifyResponseDto,
    description: 'Who the caller is; the same values come as headers, for gateways that forward only headers.',
    headers: {
      'X-Auth-User-Id': { description: 'The user id (`sub`).', schema: { type: 'string', format: 'uuid' } },
      'X-Auth-Roles': { description: 'The roles, comma-separated.', schema: { type: 'string' } },
      'X-Auth-Session-Id': { description: 'The session id (`sid`).', schema: { type: 'string', format: 'uuid' } },
      'X-Auth-Amr': { description: 'How the user signed in, comma-separated.', schema: { type: 'string' } },
    },
  })
  verifyToken(@CurrentUser() caller: AuthUser, @Res({ passthrough: true }) reply: FastifyReply): VerifyResponseDto {
    void reply.headers({
      'X-Auth-User-Id': caller.id,
      'X-Auth-Roles': caller.roles.join(','),
      'X-Auth-Session-Id': caller.sessionId,
      'X-Auth-Amr': caller.amr.join(','),
    });
    return toVerifyResponse(caller);
  }
}
