import type { FastifyBaseLogger } from 'fastify';
import pino, { Bindings, ChildLoggerOptions, LogFn } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Fastify's `childLoggerFactory`: the child logger bound to the request id is made when the request first writes a
 * line, not for every request. pino runs the redaction over a new child's bindings, which cost `/auth/verify` about
 * 4 % of its CPU, while Fastify's own lines (warnings and errors) are written by few requests.
 */
export function lazyChildLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const made = (): FastifyBaseLogger => (child ??= parent.child(bindings, options));
  const currentLevel = () => child?.level ?? options.level ?? parent.level;
  const writer =
    (level: Level): LogFn =>
    (...args: Parameters<LogFn>) => {
      if (pino.levels.values[level] >= (pino.levels.values[currentLevel()] ?? Infinity)) {
        made()[level](...args);
      }
    };
  return {
    get level() {
      return currentLevel();
    },
    set level(level) {
      made().level = level;
    },
    fatal: writer('fatal'),
    error: writer('error'),
    warn: writer('warn'),
    info: writer('info'),
    debug: writer('debug'),
    trace: writer('trace'),
    silent: () => undefined,
    child: (childBindings, childOptions) => made().child(childBindings, childOptions),
  };
}
