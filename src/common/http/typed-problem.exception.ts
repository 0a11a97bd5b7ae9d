import { HttpException } from '@nestjs/common';

/**
 * An error with a problem `type` of its own (RFC 9457), for an answer a client must tell apart from others of the
 * same status, such as a 403 that means "verify your email first". The type is a relative URI under /problems/.
 */
export class TypedProblemException extends HttpException {
  readonly problemType: string;

  constructor(name: string, status: number, detail: string) {
    super(detail, status);
    this.problemType = `/problems/${name}`;
  }
}
