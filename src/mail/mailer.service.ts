import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { MailMessage } from './mail-message';
import { createMailTransport, MailTransport } from './mail-transport';

/** Waits before each retry of a failed send; one attempt more than there are delays. */
export const MAIL_RETRY_DELAYS_MS = Symbol('MAIL_RETRY_DELAYS_MS');
export const DEFAULT_MAIL_RETRY_DELAYS_MS = [2_000, 10_000, 60_000];

/** Sends at once; the rest wait, so a slow SMTP server costs queue time, never request time. */
const CONCURRENT_SENDS = 4;
/** Messages kept waiting; beyond, new ones are dropped and logged, so a dead SMTP server cannot exhaust memory. */
const MAX_QUEUED = 10_000;
/** How long shutdown waits for sends in flight. */
const DRAIN_TIMEOUT_MS = 5_000;

interface Job {
  message: MailMessage;
  attempt: number;
  /** A job that takes the same path as a real one and sends nothing (unknown addresses, see queueWithoutSending). */
  send: boolean;
}

/**
 * The mail queue. Callers queue a message once their database write has committed and answer at once: a send never
 * makes a response slower or different, and a failure is logged and retried, never reported to the caller.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transport: MailTransport;
  private readonly waiting: Job[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;

  constructor(
    config: AppConfig,
    @Inject(MAIL_RETRY_DELAYS_MS) private readonly retryDelaysMs: number[],
  ) {
    this.transport = createMailTransport(config.mail, this.logger);
  }

  queue(message: MailMessage): void {
    this.enqueue({ message, attempt: 1, send: true });
  }

  /** Does the work of queueing a message, so that a flow for an unknown address looks like one for a known one. */
  queueWithoutSending(message: MailMessage): void {
    this.enqueue({ message, attempt: 1, send: false });
  }

  /** Messages waiting, being sent or waiting for a retry. */
  get pending(): number {
    return this.waiting.length + this.inFlight.size + this.retryTimers.size;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const timer of this.retryTimers) {
      clearTimeout(timer);
    }
    const unsent = this.waiting.length + this.retryTimers.size;
    this.waiting.length = 0;
    this.retryTimers.clear();
    await Promise.race([
      Promise.allSettled(this.inFlight),
      new Promise((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref()),
    ]);
    if (unsent > 0) {
      this.logger.warn(
        `Shutting down with ${unsent} mail(s) unsent; their links stay valid and can be asked for again`,
      );
    }
    this.transport.close();
  }

  private enqueue(job: Job): void {
    if (this.closing) {
      return;
    }
    if (this.waiting.length >= MAX_QUEUED) {
      this.logger.error(
        `Mail queue full (${MAX_QUEUED}): "${job.message.subject}" to ${maskAddress(job.message.to)} dropped`,
      );
      return;
    }
    this.waiting.push(job);
    this.startSends();
  }

  private startSends(): void {
    while (this.inFlight.size < CONCURRENT_SENDS && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const sending: Promise<void> = this.attempt(job).finally(() => {
        this.inFlight.delete(sending);
        this.startSends();
      });
      this.inFlight.add(sending);
    }
  }

  private async attempt(job: Job): Promise<void> {
    if (!job.send) {
      return;
    }
    try {
      await this.transport.send(job.message);
    } catch (error) {
      this.failed(job, error as SendError);
    }
  }

  private failed(job: Job, error: SendError): void {
    const what = `"${job.message.subject}" to ${maskAddress(job.message.to)}`;
    const why = [error.code, error.responseCode].filter(Boolean).join(' ') || error.message;
    const delay = this.retryDelaysMs[job.attempt - 1];
    // A 5xx answer is the server's final word (an unknown mailbox, a refused sender): sending again changes nothing.
    const permanent = typeof error.responseCode === 'number' && error.responseCode >= 500;
    if (permanent || delay === undefined || this.closing) {
      this.logger.error(`Mail ${what} failed for good after ${job.attempt} attempt(s): ${why}`);
      return;
    }
    this.logger.warn(`Mail ${what} failed (attempt ${job.attempt}), retrying in ${delay} ms: ${why}`);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.enqueue({ ...job, attempt: job.attempt + 1 });
    }, delay);
    this.retryTimers.add(timer);
  }
}

interface SendError extends Error {
  code?: string;
  responseCode?: number;
}

/** Enough of the address to tell mails apart in a log, not enough to harvest: "a***@example.org". */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at <= 0 ? '***' : `${address[0]}***${address.slice(at)}`;
}
