import { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest's logger calls (bootstrap, `new Logger(Context).warn(…)`), written as lines of the process's pino logger. */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest passes (message, stack, context), (message, context) or (message, stack).
    const stack = params.find(looksLikeStack);
    this.write(
      'error',
      message,
      params.filter((param) => param !== stack),
      stack,
    );
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace',
    message: unknown,
    params: unknown[],
    stack?: string,
  ): void {
    // Nest's Logger appends its context as the last argument.
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    const fields = { ...(context && { context }), ...(stack && { stack }) };
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

function looksLikeStack(value: unknown): value is string {
  return typeof value === 'string' && /\n\s+at /.test(value);
}
