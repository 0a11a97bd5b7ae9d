import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RedisService } from '../redis/redis.service';
import { CheckStatus, HealthDto } from './health.dto';

const PROBE_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
  ) {}

  /** Readiness: the database decides; Redis only degrades, since the service falls back without it. */
  async check(): Promise<HealthDto> {
    const database: CheckStatus = (await answersWithin(() => this.dataSource.query('SELECT 1'))) ? 'up' : 'down';
    if (!this.redis.enabled) {
      return { status: database === 'up' ? 'ok' : 'error', checks: { database } };
    }
    const redis: CheckStatus =
      this.redis.healthy && (await answersWithin(() => this.redis.client.ping())) ? 'up' : 'down';
    const status = database === 'down' ? 'error' : redis === 'down' ? 'degraded' : 'ok';
    return { status, checks: { database, redis } };
  }
}

async function answersWithin(probe: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
  try {
    return await Promise.race([probe().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
