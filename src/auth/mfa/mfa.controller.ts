import { Body, Controller, Delete, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Client } from '../../common/http/client-info';
import type { ClientInfo } from '../../common/http/client-info';
import { ProblemDto } from '../../common/problem.dto';
import { ROUTE_LIMITS } from '../../throttle/limits';
import { RateLimit } from '../../throttle/rate-limit.decorator';
import { AuthService } from '../auth.service';
import { Auth } from '../decorators/auth.decorator';
import type { AuthUser } from '../decorators/auth-user';
import { CurrentUser } from '../decorators/current-user.decorator';
import { Public } from '../decorators/public.decorator';
import { TokenResponseDto } from '../dto/token-response.dto';
import { ConfirmTotpDto } from './dto/confirm-totp.dto';
import { PasswordAndCodeDto } from './dto/password-and-code.dto';
import { RecoveryCodesResponseDto } from './dto/recovery-codes-response.dto';
import { TotpSetupResponseDto } from './dto/totp-setup-response.dto';
import { VerifyMfaDto } from './dto/verify-mfa.dto';
import { MfaService } from './mfa.service';
import { Metrics } from '../../metrics/metrics';

const WRONG_CODE = {
  description: 'The code (or the password) is wrong, or the code was already used.',
  type: ProblemDto,
};

@ApiTags('mfa')
@Controller('auth/mfa')
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly auth: AuthService,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Start TOTP enrolment.
   *
   * @remarks Starts TOTP enrolment: a new secret, not in force until confirmed; a pending one is replaced.
   */
  @Post('totp/setup')
  @Auth()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiConflictResponse({ description: 'Two-factor sign-in is already on.', type: ProblemDto })
  @ApiOkResponse({ type: TotpSetupResponseDto })
  setUpTotp(@CurrentUser() caller: AuthUser, @Client() client: ClientInfo): Promise<TotpSetupResponseDto> {
    return this.mfa.setup(caller, client);
  }

  /**
   * Confirm TOTP enrolment.
   *
   * @remarks Confirms the pending secret with a current code: two-factor sign-in is on, and the recovery codes shown
   * once.
   */
  @Post('totp/confirm')
  @Auth()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiProblems(400)
  @ApiForbiddenResponse(WRONG_CODE)
  @ApiConflictResponse({ description: 'Already on, or no setup is pending.', type: ProblemDto })
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  confirmTotp(
    @CurrentUser() caller: AuthUser,
    @Body() body: ConfirmTotpDto,
    @Client() client: ClientInfo,
  ): Promise<RecoveryCodesResponseDto> {
    return this.mfa.confirm(caller, body, client);
  }

  /**
   * Turn two-factor sign-in off.
   *
   * @remarks Turns two-factor sign-in off after the password and a code; every other session ends and a notice is
   * mailed.
   */
  @Delete('totp')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiProblems(400, 429, 503)
  @ApiForbiddenResponse(WRONG_CODE)
  @ApiConflictResponse({ description: 'Two-factor sign-in is not on.', type: ProblemDto })
  @ApiNoContentResponse({ description: 'Two-factor sign-in is off; the other sessions have ended.' })
  disableTotp(
    @CurrentUser() caller: AuthUser,
    @Body() body: PasswordAndCodeDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.mfa.disable(caller, body, client);
  }

  /**
   * Renew the recovery codes.
   *
   * @remarks Replaces the recovery codes after the password and a code; the old ones stop working.
   */
  @Post('recovery-codes')
  @Auth()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiProblems(400, 429, 503)
  @ApiForbiddenResponse(WRONG_CODE)
  @ApiConflictResponse({ description: 'Two-factor sign-in is not on.', type: ProblemDto })
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  renewRecoveryCodes(
    @CurrentUser() caller: AuthUser,
    @Body() body: PasswordAndCodeDto,
    @Client() client: ClientInfo,
  ): Promise<RecoveryCodesResponseDto> {
    return this.mfa.renewRecoveryCodes(caller, body, client);
  }

  /**
   * Complete a two-factor sign-in.
   *
   * @remarks The second step of a two-factor login: the login's mfaToken and a code (or a recovery code) start the
   * session.
   */
  @Post('verify')
  @Public()
  @RateLimit(ROUTE_LIMITS.mfaVerify)
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiProblems(400)
  @ApiUnauthorizedResponse({ description: 'The mfaToken is unknown, expired, used up or stale.', type: ProblemDto })
  @ApiForbiddenResponse({ description: 'The code is wrong or was already used.', type: ProblemDto })
  @ApiOkResponse({ type: TokenResponseDto })
  verifyMfa(@Body() body: VerifyMfaDto, @Client() client: ClientInfo): Promise<TokenResponseDto> {
    return this.metrics.countSecondFactor(this.auth.verifyMfa(body, client));
  }
}
