import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import type { ClientInfo } from '../../common/http/client-info';
import { AppConfig } from '../../config/app-config';
import { MailLinks } from '../../mail/mail-links';
import { passwordResetMail } from '../../mail/mail-templates';
import { Mailer } from '../../mail/mailer.service';
import { assertPasswordAllowed } from '../../passwords/password-policy';
import { PasswordsService } from '../../passwords/passwords.service';
import { UsersService } from '../../users/users.service';
import { MailedTokenPurpose } from '../mailed-tokens/mailed-token.entity';
import { INVALID_MAILED_TOKEN, MailedTokensService } from '../mailed-tokens/mailed-tokens.service';
import { NewPasswordService } from '../password-change/new-password.service';
import { LoginThrottle } from '../throttle/login-throttle';
import { ResetPasswordDto } from './dto/reset-password.dto';

const PURPOSE = MailedTokenPurpose.PasswordReset;

export const PASSWORD_CHANGED_DURING_RESET = 'The password was changed while this reset ran; ask for a new link.';

/** A way back for a user who forgot their password, through a link mailed to the account's address. */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordsService,
    private readonly tokens: MailedTokensService,
    private readonly newPasswords: NewPasswordService,
    private readonly loginThrottle: LoginThrottle,
    private readonly mailer: Mailer,
    private readonly links: MailLinks,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  private get ttlSeconds(): number {
    return this.config.passwordResetTtlSeconds;
  }

  /**
   * Mails a link to an existing, enabled account. Every address gets the same work (two lookups, a token's worth of
   * hashing, a queued mail, one committed write) and the same answer, so neither the body nor the time tells who
   * has one.
   */
  async requestReset(email: string, client: ClientInfo): Promise<void> {
    const user = await this.users.findByEmail(email);
    const recently = await this.tokens.sentRecently(user?.id ?? randomUUID(), PURPOSE);
    const recordAsked = (mailed: boolean) => (manager: EntityManager) =>
      this.audit.record(
        AuditEventType.PasswordResetRequested,
        { userId: user?.id, client, details: { email, mailed: mailed ? 'yes' : 'no' } },
        manager,
      );
    if (user && !user.disabled && !recently) {
      const token = await this.tokens.issue(user.id, PURPOSE, this.ttlSeconds, recordAsked(true));
      this.mailer.queue(passwordResetMail(user.email, this.links.resetPassword(token), this.ttlSeconds));
      return;
    }
    await this.tokens.issueNothing(PURPOSE, recordAsked(false));
    this.mailer.queueWithoutSending(passwordResetMail(email, this.links.resetPassword(''), this.ttlSeconds));
  }

  /**
   * Sets the new password, ends every session at once, and mails a notice; it does not sign anyone in. The token is
   * used up only once the new password is ready, so a refused password leaves it valid.
   */
  async reset(request: ResetPasswordDto, client: ClientInfo): Promise<void> {
    const user = await this.users.findById(await this.tokens.userOf(request.token, PURPOSE));
    if (!user || user.disabled) {
      throw new BadRequestException(INVALID_MAILED_TOKEN);
    }
    assertPasswordAllowed(request.newPassword, user.email, 'newPassword');
    const passwordHash = await this.passwords.hash(request.newPassword);
    await this.tokens.take(request.token, PURPOSE);
    const applied = await this.newPasswords.apply(user, passwordHash, {
      by: 'reset',
      sessionEndReason: 'password-reset',
      audit: { type: AuditEventType.PasswordReset, context: { client } },
    });
    if (!applied) {
      throw new ConflictException(PASSWORD_CHANGED_DURING_RESET);
    }
    // The link reached the owner, which proves the address as a verification link would.
    await this.users.markEmailVerified(user.id);
    await this.loginThrottle.forgetAccount(user.email, client);
  }
}
