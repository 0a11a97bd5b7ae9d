import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestAppOptions } from './create-test-app';

type CreateTestApp = (options?: TestAppOptions) => Promise<NestFastifyApplication>;

/**
 * `createTestApp()` in a module registry of its own, for tests that run several instances in one process.
 *
 * Without it, instances are not independent: @nestjs/passport registers every JwtStrategy on the one `passport`
 * module under the name `jwt`, so the strategy of the app created last authenticates the requests of every app
 * — with that app's revocation set and key ring. An instance would then "see" another's revocation at once, however
 * it propagates. A registry per instance gives each its own passport (and its own copy of everything else), as
 * separate processes would.
 *
 * Classes of the test's own imports are not the instance's: talk to it over HTTP, not with `app.get(SomeClass)`.
 */
export function createIsolatedTestApp(options: TestAppOptions = {}): Promise<NestFastifyApplication> {
  let create: CreateTestApp | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the app, on purpose
    create = (require('./create-test-app') as { createTestApp: CreateTestApp }).createTestApp;
  });
  return (create as CreateTestApp)(options);
}
