import { randomUUID } from 'node:crypto';

/** What an incoming X-Request-Id may be to be kept: short, and nothing that could forge or break a log line. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is safe to keep, a fresh UUID otherwise. */
export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
}
