import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MAIL_RETRY_DELAYS_MS, Mailer } from '../src/mail/mailer.service';
import { verificationMail } from '../src/mail/mail-templates';
import { createTestApp } from './utils/create-test-app';
import { pollUntil } from './utils/poll';
import { SmtpSink } from './utils/smtp-sink';
import { closedPort } from './utils/free-port';

const FAST_RETRIES = [50, 50, 50];

async function appSendingTo(smtpUrl: string): Promise<NestFastifyApplication> {
  return createTestApp({
    env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Bastion Tests <auth@bastion.test>' },
    override: (builder) => builder.overrideProvider(MAIL_RETRY_DELAYS_MS).useValue(FAST_RETRIES),
  });
}

const drained = (mailer: Mailer) =>
  pollUntil(() => Promise.resolve(mailer.pending === 0), { deadlineMs: 10_000, what: 'mail queue drained' });

describe('Mail over SMTP (e2e)', () => {
  let sink: SmtpSink;
  let app: NestFastifyApplication;
  let mailer: Mailer;
  const message = (to: string) => verificationMail(to, 'http://bastion.test/verify-email#token=t0k3n', 86400);

  beforeAll(async () => {
    sink = await SmtpSink.start();
    app = await appSendingTo(sink.url);
    mailer = app.get(Mailer);
  });

  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  it('should deliver a queued message with both bodies, from MAIL_FROM', async () => {
    mailer.queue(message('ada@example.org'));

    const mail = await sink.waitForMail('ada@example.org');
    expect(mail.subject).toBe('Confirm your email address');
    expect(mail.from).toBe('"Bastion Tests" <auth@bastion.test>');
    expect(mail.text).toContain('http://bastion.test/verify-email#token=t0k3n');
    expect(mail.html).toContain('href="http://bastion.test/verify-email#token=t0k3n"');
  });

  it('should retry a delivery the server refuses for now, until it is accepted', async () => {
    sink.refuse(2, 451);
    const attemptsBefore = sink.rcptAttempts;

    mailer.queue(message('grace@example.org'));

    await sink.waitForMail('grace@example.org');
    expect(sink.rcptAttempts - attemptsBefore).toBe(3);
  });

  it('should give up at once on a refusal that is final, without throwing', async () => {
    sink.refuse(1, 550);
    const attemptsBefore = sink.rcptAttempts;

    mailer.queue(message('nobody@example.org'));
    await drained(mailer);

    expect(sink.rcptAttempts - attemptsBefore).toBe(1);
    expect(sink.mailsTo('nobody@example.org')).toEqual([]);
  });

  it('should send nothing for a message queued without sending', async () => {
    const attemptsBefore = sink.rcptAttempts;

    mailer.queueWithoutSending(message('decoy@example.org'));
    await drained(mailer);

    expect(sink.rcptAttempts).toBe(attemptsBefore);
  });

  it('should keep going, retrying and then giving up, when no SMTP server answers', async () => {
    const offline = await appSendingTo(`smtp://127.0.0.1:${await closedPort()}`);
    try {
      const offlineMailer = offline.get(Mailer);
      offlineMailer.queue(message('ada@example.org'));

      expect(offlineMailer.pending).toBe(1);
      await drained(offlineMailer);
    } finally {
      await offline.close();
    }
  });
});
