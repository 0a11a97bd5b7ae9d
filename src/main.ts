import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createHttpAdapter } from './app.setup';
import { assertCanListen } from './common/http/port-available';
import { StartupError } from './common/startup-error';
import { AppConfig } from './config/app-config';
import { loadEnvFile } from './config/env-file';
import { ConfigError, loadConfig } from './config/load-config';
import { assertDatabaseReachable } from './database/database-reachable';
import { createLogger } from './logging/logger';
import { PinoLoggerService } from './logging/pino-logger.service';

/** In-flight requests get this long to finish after SIGTERM; then the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/** The format of a failed start's line: as configured once the configuration is read, by NODE_ENV before. */
let logSettings: AppConfig['log'] = {
  level: 'info',
  format: process.env.NODE_ENV === 'production' ? 'json' : 'pretty',
};

async function bootstrap(): Promise<void> {
  loadEnvFile(process.env);
  // Validate and check before Nest starts, so a bad variable is reported by name and nothing else.
  const validated = loadConfig(process.env);
  logSettings = validated.log;
  await assertCanListen(validated.host, validated.port);
  await assertDatabaseReachable(validated.database);
  const logger = createLogger(validated.log);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(validated, logger), {
    ...APP_OPTIONS,
    logger: new PinoLoggerService(logger),
  });
  await configureApp(app, logger);
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  // The addresses actually bound (0.0.0.0 stays 0.0.0.0), not a guess at one to browse to.
  const urls = app
    .getHttpAdapter()
    .getInstance()
    .addresses()
    .map((bound) =>
      typeof bound === 'string' ? bound : `http://${hostOf(bound.address, bound.family)}:${bound.port}`,
    );
  Logger.log(`Listening on ${urls.join(', ')}${config.swaggerEnabled ? ' (Swagger UI at /docs)' : ''}`, 'Bastion');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutDown(app, signal));
  }
}

function hostOf(address: string, family: string): string {
  return family === 'IPv6' ? `[${address}]` : address;
}

/** Stops accepting, lets in-flight requests finish (bounded), closes Redis and the database pool, exits 0. */
async function shutDown(app: NestFastifyApplication, signal: string): Promise<void> {
  Logger.log(`${signal}: finishing in-flight requests, then stopping`, 'Bastion');
  setTimeout(() => {
    Logger.error(`In-flight requests did not finish within ${SHUTDOWN_GRACE_MS} ms; exiting`, undefined, 'Bastion');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS).unref();
  await app.close();
  process.exit(0);
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof StartupError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  // On stderr, where an operator looks when the service does not come up; even LOG_LEVEL=silent gets this line.
  const failure = createLogger({ ...logSettings, level: 'fatal' }, pino.destination({ fd: 2, sync: true }));
  failure.fatal({ context: 'Bastion' }, message);
  process.exit(1);
});
