import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { DestinationStream, Logger } from 'pino';
import { AppConfig } from '../config/app-config';

/** Fields that hold a credential wherever they appear; a logged object never shows their values. */
export const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'refreshToken',
  'accessToken',
  'deviceToken',
  'mfaToken',
  'code',
  'recoveryCode',
  'secret',
];
const SECRET_HEADERS = ['authorization', 'cookie', '["set-cookie"]'];

/**
 * pino's redaction paths: the secret fields at the top of a logged object and up to three levels down (a body inside
 * a request inside an error), and the credential headers under any `headers`.
 */
export function redactPaths(): string[] {
  const depths = ['', '*.', '*.*.', '*.*.*.'];
  const headers = SECRET_HEADERS.map((header) => (header.startsWith('[') ? `headers${header}` : `headers.${header}`));
  return depths.flatMap((prefix) => [...SECRET_FIELDS, ...headers].map((path) => prefix + path));
}

/**
 * The one pino logger of the process: JSON lines, or pino-pretty's text for a developer's terminal. pino-pretty is a
 * plain stream here, not a worker-thread transport, so it also works inside the esbuild bundle.
 */
export function createLogger(settings: AppConfig['log'], destination?: DestinationStream): Logger {
  const options = {
    level: settings.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    // Fastify logs a request or reply object with some errors; its own serializers would write the URL with its query.
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, route: request.routeOptions?.url ?? null }),
      res: (reply: FastifyReply) => ({ status: reply.statusCode }),
    },
  };
  if (settings.format === 'json') {
    return pino(options, destination ?? pino.destination({ fd: 1, sync: true }));
  }
  // Loaded only here, so production (JSON) never needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  const colorize = process.stdout.isTTY === true && process.env.NO_COLOR === undefined && destination === undefined;
  return pino(
    options,
    pretty.build({
      colorize,
      sync: true,
      singleLine: true,
      ignore: 'pid,hostname,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
      destination: destination ?? 1,
    }),
  );
}
