import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { AppConfig } from './config/app-config';
import { ConfigError } from './config/load-config';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), { bufferLogs: false });
  await configureApp(app);
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  Logger.log(`Listening on ${await app.getUrl()}${config.swaggerEnabled ? ' (Swagger UI at /docs)' : ''}`, 'Bastion');
}

bootstrap().catch((error: unknown) => {
  // A configuration problem names the variable; anything else is logged as it is.
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  Logger.error(message, undefined, 'Bastion');
  process.exit(1);
});
