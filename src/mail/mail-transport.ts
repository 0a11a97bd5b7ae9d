import { Logger } from '@nestjs/common';
import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import { AppConfig } from '../config/app-config';
import type { MailMessage } from './mail-message';

/** Where messages go: an SMTP server, the log (development), or nowhere (SMTP_URL=none). */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Seconds before a silent SMTP server counts as a failed attempt, so a hung server never stalls the queue. */
const SMTP_TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createMailTransport(config: AppConfig['mail'], logger: Logger): MailTransport {
  switch (config.delivery) {
    case 'smtp':
      return smtpTransport(config.smtpUrl!, config.from);
    case 'log':
      return {
        // Development only (production refuses to start without SMTP_URL): the link is what the developer needs.
        send: (message) => {
          logger.log(`MAIL to=${message.to} subject="${message.subject}"\n${message.text}`);
          return Promise.resolve();
        },
        close: () => undefined,
      };
    case 'none':
      return { send: () => Promise.resolve(), close: () => undefined };
  }
}

function smtpTransport(url: string, from: string): MailTransport {
  const transporter = createTransport(
    {
      url,
      ...SMTP_TIMEOUTS_MS,
      // The mails carry live tokens: STARTTLS is required unless the server is on this machine. A URL query such as
      // ?requireTLS=false overrides it, for a relay inside a network the operator trusts.
      requireTLS: !isLoopback(new URL(url).hostname),
    },
    { from },
  );
  return {
    send: async (message) => {
      await transporter.sendMail(message);
    },
    close: () => transporter.close(),
  };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}
