import { HttpException } from '@nestjs/common';

/** An answer that tells the client when to try again; the filter turns it into a `Retry-After` header. */
export abstract class RetryLaterException extends HttpException {
  protected constructor(
    readonly retryAfterSeconds: number,
    detail: string,
    status: number,
  ) {
    super(detail, status);
  }
}
