import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, SMTPServerDataStream } from 'smtp-server';
import { pollUntil } from './poll';

export interface ReceivedMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives, and can be told to refuse deliveries. */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** Recipients offered, accepted or refused: how many delivery attempts reached the server. */
  rcptAttempts = 0;
  private refusals: { code: number; message: string }[] = [];

  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (_address, _session, callback) => {
      this.rcptAttempts += 1;
      const refusal = this.refusals.shift();
      callback(refusal ? Object.assign(new Error(refusal.message), { responseCode: refusal.code }) : undefined);
    },
    onData: (stream, _session, callback) => {
      this.keep(stream).then(() => callback(), callback);
    },
  });

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** The next `count` recipients are refused with this SMTP code (4xx: try later; 5xx: for good). */
  refuse(count: number, code: number): void {
    this.refusals.push(...Array.from({ length: count }, () => ({ code, message: `refused for the test (${code})` })));
  }

  mailsTo(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to === address);
  }

  /** Waits for the nth (1-based) mail to `address`, of this subject if one is given, and returns it. */
  async waitForMail(address: string, nth = 1, subject?: string): Promise<ReceivedMail> {
    const matching = () => this.mailsTo(address).filter((mail) => subject === undefined || mail.subject === subject);
    await pollUntil(
      () => Promise.resolve(matching().length >= nth),
      { deadlineMs: 10_000, what: `mail ${nth}${subject ? ` "${subject}"` : ''} to ${address}` },
      () =>
        this.mailsTo(address)
          .map((mail) => mail.subject)
          .join(', '),
    );
    return matching()[nth - 1];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async keep(stream: SMTPServerDataStream): Promise<void> {
    const parsed = await simpleParser(stream);
    const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
    this.received.push({
      from: parsed.from?.text ?? '',
      to: to?.value[0]?.address ?? '',
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
    });
  }
}

/** The token of the first link in a mail (`…#token=<token>`), as a front end would read it from the fragment. */
export function tokenFromMail(mail: ReceivedMail): string {
  const match = /#token=([^\s"<]+)/.exec(mail.text);
  if (!match) {
    throw new Error(`no link with a token in "${mail.subject}"`);
  }
  return decodeURIComponent(match[1]);
}
