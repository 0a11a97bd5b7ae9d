import { Module } from '@nestjs/common';
import { MailLinks } from './mail-links';
import { DEFAULT_MAIL_RETRY_DELAYS_MS, MAIL_RETRY_DELAYS_MS, Mailer } from './mailer.service';

/** The mail queue and the links it carries; the transport follows SMTP_URL (see mail-transport.ts). */
@Module({
  providers: [Mailer, MailLinks, { provide: MAIL_RETRY_DELAYS_MS, useValue: DEFAULT_MAIL_RETRY_DELAYS_MS }],
  exports: [Mailer, MailLinks],
})
export class MailModule {}
