import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { MetricGauges } from './metric-gauges';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';

/** GET /metrics and the gauges it reads from the services; apart from MetricsModule, which AuthModule needs. */
@Module({
  imports: [AuthModule, PasswordsModule, MailModule],
  controllers: [MetricsController],
  providers: [MetricGauges, MetricsAccessGuard],
})
export class MetricsEndpointModule {}
