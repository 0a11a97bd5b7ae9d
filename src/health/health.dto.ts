export type CheckStatus = 'up' | 'down';

export class HealthChecksDto {
  database: CheckStatus;
  /** Present when REDIS_URL is set. */
  redis?: CheckStatus;
}

export class HealthDto {
  /** `ok` when every dependency answers; `degraded` when only Redis is away (the service still answers); `error` when the database is away. */
  status: 'ok' | 'degraded' | 'error';
  checks: HealthChecksDto;
}

export class LivenessDto {
  /** Always `ok`: the process is running and answering. */
  status: 'ok';
}
