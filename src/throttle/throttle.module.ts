import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { AttemptLimiter } from './attempt-limiter';
import { ROUTE_LIMITS } from './limits';
import { PasswordCheckThrottle } from './password-check-throttle';
import { RedisThrottlerStorage } from './redis-throttler-storage';

/** Request limits: counted credential checks, and the plain per-client route limits of `@RateLimit()`. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RedisService],
      useFactory: (config: AppConfig, redis: RedisService) => ({
        // Routes name their own limit; this default is never used on its own.
        throttlers: [{ limit: ROUTE_LIMITS.refresh.limit, ttl: ROUTE_LIMITS.refresh.windowMs }],
        storage: new RedisThrottlerStorage(redis),
        setHeaders: false,
        skipIf: () => !config.rateLimitEnabled,
      }),
    }),
  ],
  providers: [AttemptLimiter, PasswordCheckThrottle],
  exports: [AttemptLimiter, PasswordCheckThrottle],
})
export class ThrottleModule {}
