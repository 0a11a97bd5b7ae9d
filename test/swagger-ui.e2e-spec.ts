import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import request from 'supertest';
import { createTestApp } from './utils/create-test-app';
import { freePort } from './utils/free-port';

// Debian's Chromium (.ci/run installs it); Playwright launches it headless with a fresh, empty profile.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// On a developer machine without Chromium the test shows as skipped; CI always has it and always runs it.
const describeInBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;
// A cold Chromium on a busy two-core CI machine can take many seconds to start; Jest's 5 s default is too short.
const BROWSER_LAUNCH_MS = 45_000;
const SETUP_MS = BROWSER_LAUNCH_MS + 15_000;

describeInBrowser('Swagger UI in a real browser', () => {
  let app: NestFastifyApplication;
  // The launch is kept as a promise so that afterAll closes a browser that finished starting after a timeout;
  // otherwise a late Chromium keeps Jest from exiting.
  let browserLaunch: Promise<Browser> | undefined;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    // Swagger UI sends "Try it out" requests to the document's server, the issuer: here the app itself, as deployed.
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = await createTestApp({ port, env: { JWT_ISSUER: baseUrl } });
    browserLaunch = chromium.launch({
      executablePath: CHROMIUM,
      timeout: BROWSER_LAUNCH_MS,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    browser = await browserLaunch;
  }, SETUP_MS);

  afterAll(async () => {
    await browserLaunch?.then((launched) => launched.close()).catch(() => undefined);
    await app?.close();
  }, SETUP_MS);

  it('should let a developer authorize with a bearer token and call GET /users/me from the page', async () => {
    const email = 'swagger-user@example.com';
    const password = 'a browser-typed password';
    await request(app.getHttpServer()).post('/api/v1/auth/register').send({ email, password }).expect(201);
    const login = await request(app.getHttpServer()).post('/api/v1/auth/login').send({ email, password }).expect(200);
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${baseUrl}/docs`);
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = page.locator('.modal-ux');
    await dialog
      .locator('input')
      .first()
      .fill(login.body.accessToken as string);
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.locator('button.btn-done').click();

    const operation = page.locator('#operations-users-getMe');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();

    const responseBody = operation.locator('.live-responses-table .response-col_description pre').first();
    await responseBody.waitFor();
    expect(await responseBody.textContent()).toContain(email);
    expect(await operation.locator('.live-responses-table tbody .response-col_status').first().textContent()).toContain(
      '200',
    );
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
