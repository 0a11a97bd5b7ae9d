import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** Our bodies are flat objects; anything this deep is an attack on the recursive code that walks values later. */
export const MAX_JSON_DEPTH = 32;

/**
 * Fastify's JSON parser (secure-json-parse: `__proto__` and `constructor` keys refused), with two changes: an empty
 * body is no body, so routes that take none accept `Content-Type: application/json` without one (routes that need a
 * body still refuse it, naming their fields); and a body nested deeper than MAX_JSON_DEPTH is a 400.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    void parseJson(request, body, (error: Error | null, value?: unknown) => {
      if (!error && depthOf(value) > MAX_JSON_DEPTH) {
        done(new BadRequestException(`The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`));
        return;
      }
      done(error, value);
    });
  });
}

/** How many arrays and objects deep `value` goes; iterative, so no input can overflow the stack. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') {
      continue;
    }
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) {
      return deepest;
    }
    for (const child of Object.values(current)) {
      pending.push([child, depth + 1]);
    }
  }
  return deepest;
}
