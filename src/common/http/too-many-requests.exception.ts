import { HttpException, HttpStatus } from '@nestjs/common';

/** A 429 that tells the client when to try again; the filter turns it into a `Retry-After` header. */
export class TooManyRequestsException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    detail = 'Too many failed attempts. Try again later.',
  ) {
    super(detail, HttpStatus.TOO_MANY_REQUESTS);
  }
}
