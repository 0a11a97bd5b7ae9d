import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { ProblemDetailsFilter } from './common/filters/problem-details.filter';
import { QueryPolicyModule } from './common/http/query-policy.module';
import { createValidationPipe } from './common/http/validation.pipe';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsEndpointModule } from './metrics/metrics-endpoint.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ConfigModule,
    CommonModule,
    MetricsModule,
    DatabaseModule,
    RedisModule,
    EventEmitterModule.forRoot(),
    UsersModule,
    AuthModule,
    QueryPolicyModule,
    HealthModule,
    MetricsEndpointModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class AppModule {}
