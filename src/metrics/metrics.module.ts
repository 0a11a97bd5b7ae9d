import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';

/** The counters, global so that any service can say what happened without importing a module for it. */
@Global()
@Module({
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule {}
