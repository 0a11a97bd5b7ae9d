import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Client } from '../../common/http/client-info';
import type { ClientInfo } from '../../common/http/client-info';
import { ROUTE_LIMITS } from '../../throttle/limits';
import { RateLimit } from '../../throttle/rate-limit.decorator';
import { Public } from '../decorators/public.decorator';
import { AcceptedResponseDto, CHECK_YOUR_MAIL } from '../dto/accepted-response.dto';
import { EmailAddressDto } from '../dto/email-address.dto';
import { ResetPasswordDto } from './dto/reset-password.dto';
import { PasswordResetService } from './password-reset.service';

@ApiTags('auth')
@Controller('auth/password')
export class PasswordResetController {
  constructor(private readonly reset: PasswordResetService) {}

  /**
   * Request a password reset.
   *
   * @remarks Mails a password-reset link to the account with this address, if there is one and it is enabled. The
   * answer is the same, and takes about the same time, whether or not there is.
   */
  @Post('forgot')
  @Public()
  @RateLimit(ROUTE_LIMITS.passwordForgot)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiProblems(400, 429)
  @ApiAcceptedResponse({ type: AcceptedResponseDto })
  async forgotPassword(@Body() body: EmailAddressDto, @Client() client: ClientInfo): Promise<AcceptedResponseDto> {
    await this.reset.requestReset(body.email, client);
    return CHECK_YOUR_MAIL;
  }

  /**
   * Reset the password.
   *
   * @remarks Sets a new password with the token from the mailed link. Every session of the account ends at once and a
   * notice is mailed; nobody is signed in, so log in with the new password.
   */
  @Post('reset')
  @Public()
  @RateLimit(ROUTE_LIMITS.passwordReset)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiProblems(400, 409, 429, 503)
  @ApiNoContentResponse({ description: 'The password is set and every session has ended.' })
  resetPassword(@Body() body: ResetPasswordDto, @Client() client: ClientInfo): Promise<void> {
    return this.reset.reset(body, client);
  }
}
