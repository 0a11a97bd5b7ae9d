import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { createMailTransport } from './mail-transport';
import { verificationMail } from './mail-templates';

const mailConfig = (delivery: AppConfig['mail']['delivery']): AppConfig['mail'] => ({
  delivery,
  smtpUrl: null,
  from: 'Bastion <no-reply@localhost>',
  appUrl: 'http://localhost:3000',
});

describe('createMailTransport', () => {
  const message = verificationMail('ada@example.org', 'http://localhost:3000/verify-email#token=t0k3n', 86400);

  it('should write the message and its link to the log, marked MAIL, when there is no SMTP_URL', async () => {
    const logger = new Logger('Mail');
    const log = jest.spyOn(logger, 'log').mockImplementation(() => undefined);

    await createMailTransport(mailConfig('log'), logger).send(message);

    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(/^MAIL to=ada@example.org subject="Confirm your email address"\n/);
    expect(log.mock.calls[0][0]).toContain('http://localhost:3000/verify-email#token=t0k3n');
  });

  it('should neither log nor send anything with SMTP_URL=none', async () => {
    const logger = new Logger('Mail');
    const log = jest.spyOn(logger, 'log').mockImplementation(() => undefined);

    await createMailTransport(mailConfig('none'), logger).send(message);

    expect(log).not.toHaveBeenCalled();
  });
});
