import { Injectable } from '@nestjs/common';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditContext, AuditService } from '../../audit/audit.service';
import { passwordChangedMail, PasswordChangedBy } from '../../mail/mail-templates';
import { Mailer } from '../../mail/mailer.service';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { MailedTokenPurpose } from '../mailed-tokens/mailed-token.entity';
import { MailedTokensService } from '../mailed-tokens/mailed-tokens.service';
import { SessionsService } from '../sessions/sessions.service';

/** How a new password came: the user's change, a mailed reset link, or an operator's command. */
export interface NewPasswordCause {
  by: PasswordChangedBy;
  /** The end reason of the sessions it ends. */
  sessionEndReason: 'password-changed' | 'password-reset';
  audit: { type: AuditEventType; context: Omit<AuditContext, 'userId'> };
}

/**
 * Every way a password is set ends in the same steps, here in one place: the hash is stored only if the account is
 * as it was read (its credential version), every session ends on every instance at once, reset links mailed before
 * stop working, the owner is told by mail, and the change is audited.
 */
@Injectable()
export class NewPasswordService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly mailedTokens: MailedTokensService,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
  ) {}

  /** False, with nothing changed, when a password change, disabling or deletion of the account came first. */
  async apply(user: User, passwordHash: string, cause: NewPasswordCause): Promise<boolean> {
    if (!(await this.users.setPasswordHash(user, passwordHash))) {
      return false;
    }
    await this.sessions.endAllOfUser(user.id, cause.sessionEndReason);
    // A reset link mailed before the change must not undo it.
    await this.mailedTokens.retireAll(user.id, MailedTokenPurpose.PasswordReset);
    this.mailer.queue(passwordChangedMail(user.email, cause.by));
    await this.audit.record(cause.audit.type, { ...cause.audit.context, userId: user.id });
    return true;
  }
}
