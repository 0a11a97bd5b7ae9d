import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp, createHttpAdapter } from '../../src/app.setup';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { createTestDatabase, onPostgres, TestDatabase } from './test-database';

export const TEST_KEY_ENCRYPTION_SECRET = 'k3y-encrypti0n-for-tests-only-9f8e7d6c5b4a';
export const TEST_ISSUER = 'http://bastion.test';

export interface TestAppOptions {
  /**
   * Environment variables on top of the test defaults (a fresh database — in-memory SQLite, or a PostgreSQL database
   * with Redis in the e2e-postgres project — and a fixed key-encryption secret). Pass a `createTestDatabase()`'s env
   * to share a database between apps (restarts, several instances).
   */
  env?: Record<string, string>;
  /** Further provider overrides, e.g. a Clock. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** A port known beforehand, e.g. to name it in JWT_ISSUER; an ephemeral one otherwise. */
  port?: number;
}

/** The real app, configured exactly as main.ts configures it, listening on 127.0.0.1 (an ephemeral port by default). */
export async function createTestApp(options: TestAppOptions = {}): Promise<NestFastifyApplication> {
  // A database of the app's own, dropped when it closes; unless the test brought one.
  const ownDatabase: TestDatabase | null =
    options.env?.DATABASE_URL || !onPostgres() ? null : await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: 'sqlite::memory:',
    KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET,
    JWT_ISSUER: TEST_ISSUER,
    // Tests fail logins on purpose from one address; the throttle has tests of its own that turn it on.
    RATE_LIMIT_ENABLED: 'false',
    ...ownDatabase?.env,
    ...options.env,
  });
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config);
  builder = options.override ? options.override(builder) : builder;
  const moduleRef = await builder.compile().catch(async (error: unknown) => {
    await ownDatabase?.drop();
    throw error;
  });
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
    ...APP_OPTIONS,
    logger: ['error', 'warn'],
  });
  if (ownDatabase) {
    const close = app.close.bind(app);
    app.close = async () => {
      await close();
      await ownDatabase.drop();
    };
  }
  try {
    await configureApp(app);
    await app.listen(options.port ?? 0, '127.0.0.1');
  } catch (error) {
    // An app that fails to start must not keep its database open for the next one (file databases are reused).
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
