import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Public } from '../auth/decorators/public.decorator';
import { MetricsAccessGuard } from './metrics-access.guard';
import { Metrics } from './metrics';

/** Scraped by Prometheus, not called by API clients, and guarded by its own token: left out of the OpenAPI document. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  /** Every metric in the Prometheus text format. Public to the JWT guard: METRICS_TOKEN guards it. */
  @Get()
  @Public()
  @UseGuards(MetricsAccessGuard)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
