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
import { MailedTokenDto } from '../dto/mailed-token.dto';
import { EmailVerificationService } from './email-verification.service';

@ApiTags('auth')
@Controller('auth/email')
export class EmailVerificationController {
  constructor(private readonly verification: EmailVerificationService) {}

  /**
   * Verify an email address.
   *
   * @remarks Marks the account's email as verified, with the token from the mailed link. The link works once.
   */
  @Post('verify')
  @Public()
  @RateLimit(ROUTE_LIMITS.emailVerify)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiProblems(400, 429)
  @ApiNoContentResponse({ description: 'The email address is verified.' })
  verifyEmail(@Body() body: MailedTokenDto, @Client() client: ClientInfo): Promise<void> {
    return this.verification.verify(body.token, client);
  }

  /**
   * Resend the verification email.
   *
   * @remarks Mails a new verification link to an unverified account; older links stop working. The answer is the same
   * whether or not the address has an account, or is verified already.
   */
  @Post('resend')
  @Public()
  @RateLimit(ROUTE_LIMITS.emailResend)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiProblems(400, 429)
  @ApiAcceptedResponse({ type: AcceptedResponseDto })
  async resendVerificationEmail(
    @Body() body: EmailAddressDto,
    @Client() client: ClientInfo,
  ): Promise<AcceptedResponseDto> {
    await this.verification.resend(body.email, client);
    return CHECK_YOUR_MAIL;
  }
}
