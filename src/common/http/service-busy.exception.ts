import { HttpStatus } from '@nestjs/common';
import { RetryLaterException } from './retry-later.exception';

/** A 503 with `Retry-After`: the service is at capacity, the request did nothing. */
export class ServiceBusyException extends RetryLaterException {
  constructor(retryAfterSeconds: number, detail = 'The service is busy. Try again shortly.') {
    super(retryAfterSeconds, detail, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
