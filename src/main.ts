import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createHttpAdapter } from './app.setup';
import { AppConfig } from './config/app-config';
import { ConfigError, loadConfig } from './config/load-config';

async function bootstrap(): Promise<void> {
  // Validate before Nest starts, so a bad variable is reported by name and nothing else.
  loadConfig(process.env);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), APP_OPTIONS);
  await configureApp(app);
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  Logger.log(`Listening on ${await app.getUrl()}${config.swaggerEnabled ? ' (Swagger UI at /docs)' : ''}`, 'Bastion');
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  Logger.error(message, undefined, 'Bastion');
  process.exit(1);
});
