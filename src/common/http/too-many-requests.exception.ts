import { HttpStatus } from '@nestjs/common';
import { RetryLaterException } from './retry-later.exception';

/** A 429 with `Retry-After`. */
export class TooManyRequestsException extends RetryLaterException {
  constructor(retryAfterSeconds: number, detail = 'Too many failed attempts. Try again later.') {
    super(retryAfterSeconds, detail, HttpStatus.TOO_MANY_REQUESTS);
  }
}
