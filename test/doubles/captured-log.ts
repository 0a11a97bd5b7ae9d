import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { AppConfig } from '../../src/config/app-config';
import { createLogger } from '../../src/logging/logger';

/** The service's own logger (redaction and all), writing into an array instead of stdout. */
export interface CapturedLog {
  logger: Logger;
  /** Each line as written. */
  lines: string[];
  /** Each line parsed, for the JSON format. */
  parsed(): Record<string, unknown>[];
}

export function capturedLog(settings: AppConfig['log'] = { level: 'trace', format: 'json' }): CapturedLog {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger(settings, stream),
    lines,
    parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
