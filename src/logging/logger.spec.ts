import { capturedLog } from '../../test/doubles/captured-log';
import { redactPaths, SECRET_FIELDS } from './logger';
import { PinoLoggerService } from './pino-logger.service';

function capture(format: 'json' | 'pretty' = 'json') {
  return capturedLog({ level: 'trace', format });
}

describe('createLogger', () => {
  it('should write one JSON object a line with a level label and an ISO time', () => {
    const { logger, lines } = capture();

    logger.info({ route: '/health' }, 'hello');

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      route: '/health',
      msg: 'hello',
    });
  });

  it.each(SECRET_FIELDS)('should redact %s at any depth up to three levels down', (field) => {
    const { logger, lines } = capture();

    logger.warn({
      [field]: 'S1',
      body: { [field]: 'S2' },
      req: { body: { [field]: 'S3' } },
      a: { b: { c: { [field]: 'S4' } } },
    });

    expect(lines[0]).not.toMatch(/S[1-4]/);
  });

  it('should redact the Authorization, Cookie and Set-Cookie headers', () => {
    const { logger, lines } = capture();

    logger.info({
      headers: { authorization: 'Bearer AAA', cookie: 'sid=BBB' },
      req: { headers: { authorization: 'Bearer CCC' } },
      res: { headers: { 'set-cookie': 'sid=DDD' } },
    });

    expect(lines[0]).not.toMatch(/AAA|BBB|CCC|DDD/);
    expect(JSON.parse(lines[0]).headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]' });
  });

  it('should write a request and a reply without URL, query or headers', () => {
    const { logger, lines } = capture();
    const request = { method: 'GET', url: '/x?token=EEE', headers: { host: 'h' }, routeOptions: { url: '/x' } };

    logger.error({ req: request, res: { statusCode: 500, headers: {} } }, 'failed');

    expect(JSON.parse(lines[0])).toMatchObject({ req: { method: 'GET', route: '/x' }, res: { status: 500 } });
    expect(lines[0]).not.toMatch(/EEE|host/);
  });

  it('should list every path once', () => {
    expect(new Set(redactPaths()).size).toBe(redactPaths().length);
  });

  it('should write pretty text without colours when not on a terminal', () => {
    const { logger, lines } = capture('pretty');

    logger.info({ context: 'Bastion' }, 'Listening on http://0.0.0.0:3000');

    expect(lines).toEqual([expect.stringMatching(/INFO: \[Bastion\] Listening on http:\/\/0\.0\.0\.0:3000$/)]);
    expect(lines[0]).not.toContain('\u001b[');
  });
});

describe('PinoLoggerService', () => {
  it('should write Nest log calls with their context', () => {
    const { logger, lines } = capture();
    const service = new PinoLoggerService(logger);

    service.log('started', 'NestApplication');
    service.warn('careful', 'Redis');
    service.error('failed', 'Error: boom\n    at somewhere (file.ts:1:1)', 'Errors');
    service.error('no stack', 'Mail');
    service.debug('details');

    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'info', context: 'NestApplication', msg: 'started' }),
      expect.objectContaining({ level: 'warn', context: 'Redis', msg: 'careful' }),
      expect.objectContaining({
        level: 'error',
        context: 'Errors',
        msg: 'failed',
        stack: expect.stringContaining('boom'),
      }),
      expect.objectContaining({ level: 'error', context: 'Mail', msg: 'no stack' }),
      expect.objectContaining({ level: 'debug', msg: 'details' }),
    ]);
  });
});
