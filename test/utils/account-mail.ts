import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { MailedToken, MailedTokenPurpose } from '../../src/auth/mailed-tokens/mailed-token.entity';
import { MAIL_RETRY_DELAYS_MS, Mailer } from '../../src/mail/mailer.service';
import { TestAppOptions } from './create-test-app';
import { api } from './http';
import { pollUntil } from './poll';

/** The one body of every 202 whose outcome is mailed. */
export const CHECK_YOUR_MAIL = { message: 'If the address can receive this mail, it is on its way. Check your inbox.' };

/** App options that send mail to this SMTP URL and retry failed sends within milliseconds. */
export function mailingTo(smtpUrl: string, options: TestAppOptions = {}): TestAppOptions {
  return {
    env: { SMTP_URL: smtpUrl, ...options.env },
    override: (builder) => {
      const withRetries = builder.overrideProvider(MAIL_RETRY_DELAYS_MS).useValue([50, 50, 50]);
      return options.override ? options.override(withRetries) : withRetries;
    },
  };
}

export function mailDrained(app: NestFastifyApplication): Promise<number> {
  const mailer = app.get(Mailer);
  return pollUntil(() => Promise.resolve(mailer.pending === 0), { deadlineMs: 10_000, what: 'mail queue drained' });
}

export function mailedTokenRows(app: NestFastifyApplication, userId: string, purpose: MailedTokenPurpose) {
  return app.get(DataSource).getRepository(MailedToken).findBy({ userId, purpose });
}

export const verifyEmail = (app: NestFastifyApplication, token: string) =>
  api(app).post('/api/v1/auth/email/verify').send({ token });

export const resendVerification = (app: NestFastifyApplication, email: string) =>
  api(app).post('/api/v1/auth/email/resend').send({ email });

export const forgotPassword = (app: NestFastifyApplication, email: string) =>
  api(app).post('/api/v1/auth/password/forgot').send({ email });

export const resetPassword = (app: NestFastifyApplication, token: string, newPassword: string) =>
  api(app).post('/api/v1/auth/password/reset').send({ token, newPassword });
