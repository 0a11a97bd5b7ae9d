import Fastify from 'fastify';
import { capturedLog } from '../../test/doubles/captured-log';
import { registerRequestLog } from './request-log';

/** A Fastify app whose request log goes into an array, one parsed object per line. */
async function appWithRequestLog() {
  const { logger, parsed } = capturedLog({ level: 'info', format: 'json' });
  const fastify = Fastify();
  registerRequestLog(fastify, logger);
  fastify.post('/users/:id', (request) => {
    (request as { user?: { id: string } }).user = { id: 'u-1' };
    return Promise.resolve({ ok: true });
  });
  await fastify.ready();
  return { fastify, logger, lines: parsed };
}

describe('registerRequestLog', () => {
  it('should write one line with only the request id, method, route pattern, status, duration and user id', async () => {
    const { fastify, lines } = await appWithRequestLog();

    await fastify.inject({
      method: 'POST',
      url: '/users/42?token=SECRET-IN-QUERY',
      headers: { authorization: 'Bearer SECRET-IN-HEADER' },
      payload: { password: 'SECRET-IN-BODY' },
    });

    expect(lines()).toHaveLength(1);
    expect(Object.keys(lines()[0]).sort()).toEqual(
      ['durationMs', 'level', 'method', 'msg', 'requestId', 'route', 'status', 'time', 'userId'].sort(),
    );
    expect(lines()[0]).toMatchObject({ method: 'POST', route: '/users/:id', status: 200, userId: 'u-1' });
    expect(JSON.stringify(lines())).not.toContain('SECRET');
  });

  it('should write a null route for a path no route matched, not the path itself', async () => {
    const { fastify, lines } = await appWithRequestLog();

    await fastify.inject({ method: 'GET', url: '/nothing/here-SECRET' });

    expect(lines()[0]).toMatchObject({ route: null, status: 404, userId: null });
    expect(JSON.stringify(lines())).not.toContain('SECRET');
  });

  it('should leave redaction on for every other line of the logger', async () => {
    const { logger, lines } = await appWithRequestLog();

    logger.warn({ body: { password: 'SECRET-PASSWORD' } }, 'rejected');

    expect(lines()[0]).toMatchObject({ body: { password: '[redacted]' } });
  });
});
