import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp } from './utils/create-test-app';
import { onPostgres } from './utils/test-database';

// On PostgreSQL the suite runs with Redis, which readiness reports too.
const redisCheck = onPostgres() ? { redis: 'up' } : {};

describe('GET /health', () => {
  let app: NestFastifyApplication;

  beforeEach(async () => {
    app = await createTestApp();
  });

  afterEach(async () => {
    await app.close();
  });

  it('should answer 200 with the database up', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);

    expect(response.body).toEqual({ status: 'ok', checks: { database: 'up', ...redisCheck } });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('should answer 503 when the database does not answer', async () => {
    await app.get(DataSource).destroy();

    const response = await request(app.getHttpServer()).get('/health').expect(503);

    expect(response.body).toEqual({ status: 'error', checks: { database: 'down', ...redisCheck } });
  });

  it('should answer liveness without touching the database', async () => {
    await app.get(DataSource).destroy();

    const response = await request(app.getHttpServer()).get('/health/live').expect(200);

    expect(response.body).toEqual({ status: 'ok' });
  });

  it('should need no token', async () => {
    await request(app.getHttpServer()).get('/health').set('Authorization', 'Bearer not-a-token').expect(200);
  });
});
