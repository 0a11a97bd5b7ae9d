export type CheckStatus = 'up' | 'down';

export class HealthChecksDto {
  database: CheckStatus;
}

export class HealthDto {
  /** `ok` when every dependency answers, else `error`. */
  status: 'ok' | 'error';
  checks: HealthChecksDto;
}
