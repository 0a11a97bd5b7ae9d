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
    // Both probes at once, so a readiness check takes at most one probe timeout.
    const [databaseAnswers, redisAnswers] = await Promise.all([
      answersWithin(() => this.dataSource.query('SELECT 1')),
      this.redis.enabled && this.redis.healthy ? answersWithin(() => this.redis.client.ping()) : false,
    ]);
    const database: CheckStatus = databaseAnswers ? 'up' : 'down';
    if (!this.redis.enabled) {
      return { status: database === 'up' ? 'ok' : 'error', checks: { database } };
    }
    const redis: CheckStatus = redisAnswers ? 'up' : 'down';
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
