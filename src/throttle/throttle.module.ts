import { Module } from '@nestjs/common';
import { AttemptLimiter } from './attempt-limiter';
import { PasswordCheckThrottle } from './password-check-throttle';

/** Request limits: credential checks counted before they run. */
@Module({
  providers: [AttemptLimiter, PasswordCheckThrottle],
  exports: [AttemptLimiter, PasswordCheckThrottle],
})
export class ThrottleModule {}
