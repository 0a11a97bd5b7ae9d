import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { api } from './http';

/** GET /metrics, with the METRICS_TOKEN when one is given. */
export function getMetrics(app: NestFastifyApplication, token?: string) {
  const scrape = api(app).get('/metrics');
  return token === undefined ? scrape : scrape.set('Authorization', `Bearer ${token}`);
}

/** The scrape's text, which must succeed. */
export async function scrape(app: NestFastifyApplication, token?: string): Promise<string> {
  return (await getMetrics(app, token).expect(200)).text;
}

/** The value of one series, e.g. `bastion_logins_total{outcome="success"}`; 0 when the scrape does not list it. */
export function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Every value a label takes across a metric's series. */
export function labelValues(text: string, metric: string, label: string): string[] {
  const pattern = new RegExp(`^${metric}\\{[^}]*\\b${label}="([^"]*)"`);
  return [...new Set(text.split('\n').flatMap((line) => pattern.exec(line)?.[1] ?? []))];
}
