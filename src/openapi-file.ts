import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createHttpAdapter } from './app.setup';
import { loadConfig } from './config/load-config';
import { createOpenApiDocument } from './openapi';

/**
 * The environment openapi.json is generated in: the document depends only on the code, except `servers`, which
 * names the issuer (here a placeholder: a client sets its own base URL).
 */
const OPENAPI_FILE_ENV: Record<string, string> = {
  NODE_ENV: 'development',
  DATABASE_URL: 'sqlite::memory:',
  JWT_ISSUER: 'https://auth.example.org',
  SWAGGER_ENABLED: 'false',
  METRICS_ENABLED: 'false',
};

/** The app's OpenAPI document as openapi.json holds it: keys sorted at every level, so that it diffs well. */
export async function renderOpenApiFile(): Promise<string> {
  Object.assign(process.env, OPENAPI_FILE_ENV);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(loadConfig(process.env)), {
    ...APP_OPTIONS,
    logger: ['error'],
  });
  try {
    await configureApp(app);
    await app.init();
    return `${JSON.stringify(sortKeys(await createOpenApiDocument(app)), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
