import { BadRequestException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import type { ClientInfo } from '../../common/http/client-info';
import { AppConfig } from '../../config/app-config';
import { MailLinks } from '../../mail/mail-links';
import { registrationAttemptMail, verificationMail } from '../../mail/mail-templates';
import { Mailer } from '../../mail/mailer.service';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { MailedTokenPurpose } from '../mailed-tokens/mailed-token.entity';
import { INVALID_MAILED_TOKEN, MAIL_COOLDOWN_MS, MailedTokensService } from '../mailed-tokens/mailed-tokens.service';

const PURPOSE = MailedTokenPurpose.EmailVerification;

/** Proves that an account's owner reads its address: a link mailed at registration and on request. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: MailedTokensService,
    private readonly mailer: Mailer,
    private readonly links: MailLinks,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  private get ttlSeconds(): number {
    return this.config.emailVerificationTtlSeconds;
  }

  /** Mails a new link (older ones stop working); call it once the account is committed. */
  async sendLink(user: User, client: ClientInfo, type = AuditEventType.EmailVerificationSent): Promise<void> {
    const token = await this.tokens.issue(user.id, PURPOSE, this.ttlSeconds, (manager) =>
      this.audit.record(type, { userId: user.id, client, details: { email: user.email, mailed: 'yes' } }, manager),
    );
    this.mailer.queue(verificationMail(user.email, this.links.verifyEmail(token), this.ttlSeconds));
  }

  /** The same work (two lookups, a token's worth of hashing, one committed write) and answer for every address. */
  async resend(email: string, client: ClientInfo): Promise<void> {
    const user = await this.users.findByEmail(email);
    const recently = await this.tokens.sentRecently(user?.id ?? randomUUID(), PURPOSE);
    if (user && !user.disabled && user.emailVerifiedAt === null && !recently) {
      await this.sendLink(user, client, AuditEventType.EmailVerificationRequested);
      return;
    }
    await this.tokens.issueNothing(PURPOSE, (manager) =>
      this.audit.record(
        AuditEventType.EmailVerificationRequested,
        { userId: user?.id, client, details: { email, mailed: 'no' } },
        manager,
      ),
    );
    this.mailer.queueWithoutSending(verificationMail(email, this.links.verifyEmail(''), this.ttlSeconds));
  }

  async verify(token: string, client: ClientInfo): Promise<void> {
    const userId = await this.tokens.take(token, PURPOSE);
    if (!(await this.users.markEmailVerified(userId))) {
      throw new BadRequestException(INVALID_MAILED_TOKEN);
    }
    await this.audit.record(AuditEventType.EmailVerified, { userId, client });
  }

  /**
   * Someone registered an address that has an account: its owner hears of it (at most once within the mail
   * cooldown, however often it is tried), the caller learns nothing.
   */
  async tellOwnerOfTakenAddress(owner: User, client: ClientInfo): Promise<void> {
    const type = AuditEventType.RegisterEmailTaken;
    const recently = await this.audit.recordedRecently(type, owner.id, MAIL_COOLDOWN_MS);
    if (!recently) {
      this.mailer.queue(registrationAttemptMail(owner.email, this.links.appUrl));
    }
    await this.audit.record(type, { userId: owner.id, client, details: { mailed: recently ? 'no' : 'yes' } });
  }
}
