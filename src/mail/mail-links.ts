import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * Links in mails point at APP_URL only, never at a host taken from the request. The token rides in the fragment,
 * which browsers never send to a server, so it stays out of access logs and Referer headers.
 */
@Injectable()
export class MailLinks {
  constructor(private readonly config: AppConfig) {}

  get appUrl(): string {
    return `${this.config.mail.appUrl}/`;
  }

  verifyEmail(token: string): string {
    return `${this.config.mail.appUrl}/verify-email#token=${encodeURIComponent(token)}`;
  }

  resetPassword(token: string): string {
    return `${this.config.mail.appUrl}/reset-password#token=${encodeURIComponent(token)}`;
  }
}
