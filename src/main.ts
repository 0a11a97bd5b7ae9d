import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createHttpAdapter } from './app.setup';
import { assertCanListen } from './common/http/port-available';
import { StartupError } from './common/startup-error';
import { AppConfig } from './config/app-config';
import { loadEnvFile } from './config/env-file';
import { ConfigError, loadConfig } from './config/load-config';
import { assertDatabaseReachable } from './database/database-reachable';

/** In-flight requests get this long to finish after SIGTERM; then the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function bootstrap(): Promise<void> {
  loadEnvFile(process.env);
  // Validate and check before Nest starts, so a bad variable is reported by name and nothing else.
  const validated = loadConfig(process.env);
  await assertCanListen(validated.host, validated.port);
  await assertDatabaseReachable(validated.database);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(validated), APP_OPTIONS);
  await configureApp(app);
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  Logger.log(`Listening on ${await app.getUrl()}${config.swaggerEnabled ? ' (Swagger UI at /docs)' : ''}`, 'Bastion');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutDown(app, signal));
  }
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
  Logger.error(message, undefined, 'Bastion');
  process.exit(1);
});
