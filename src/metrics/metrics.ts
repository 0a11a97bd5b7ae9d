import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { answerOutcome, Outcome, refusalOutcome, secondFactorRefusalOutcome } from './outcomes';

/** The label of every request that matched no route, so that probing random paths adds no new series. */
export const UNMATCHED_ROUTE = 'unmatched';

/** From well under a millisecond (a token check) to the seconds a queued password hash may take. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The service's metrics, in a registry of its own (not prom-client's global one, so several apps can run in one
 * process). Call sites say what happened; every label value comes from a fixed set, never from a request.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly logins = new Counter({
    name: 'bastion_logins_total',
    help: 'Login steps (password, then the second factor where it is on), by outcome.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  private readonly refreshes = new Counter({
    name: 'bastion_refreshes_total',
    help: 'Refresh-token exchanges, by outcome.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  private readonly reuseDetections = new Counter({
    name: 'bastion_refresh_reuse_detected_total',
    help: 'Retired refresh tokens presented again, each ending its session.',
    registers: [this.registry],
  });

  private readonly throttledRequests = new Counter({
    name: 'bastion_throttled_requests_total',
    help: 'Requests answered 429, by the limit that refused them.',
    labelNames: ['limit'],
    registers: [this.registry],
  });

  /** `route` is the pattern (`/api/v1/users/:id`), never the URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** Passes the password step of a login through, counting how it ended. */
  countLogin<T extends object>(answer: Promise<T>): Promise<T> {
    return this.counted(this.logins, answer, answerOutcome, refusalOutcome);
  }

  /** Passes the second step of a two-factor login through, counting how it ended. */
  countSecondFactor<T>(answer: Promise<T>): Promise<T> {
    return this.counted(this.logins, answer, () => 'success', secondFactorRefusalOutcome);
  }

  /** Passes a refresh through, counting how it ended. */
  countRefresh<T>(answer: Promise<T>): Promise<T> {
    return this.counted(this.refreshes, answer, () => 'success', refusalOutcome);
  }

  refreshReuseDetected(): void {
    this.reuseDetections.inc();
  }

  /** `limit` names one of the service's limits (see throttle/limit-names.ts), never a client or an account. */
  throttled(limit: string): void {
    this.throttledRequests.inc({ limit });
  }

  private async counted<T>(
    counter: Counter<'outcome'>,
    answer: Promise<T>,
    answered: (answer: T) => Outcome,
    refused: (error: unknown) => Outcome,
  ): Promise<T> {
    try {
      const value = await answer;
      counter.inc({ outcome: answered(value) });
      return value;
    } catch (error) {
      counter.inc({ outcome: refused(error) });
      throw error;
    }
  }

  /** The Prometheus text exposition of every metric, scrape-time gauges read now. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
