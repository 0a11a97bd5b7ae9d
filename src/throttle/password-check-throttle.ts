import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AttemptLimiter } from './attempt-limiter';
import { COUNT_ONLY } from './attempt-store';
import { PASSWORD_CHECK_LIMITS } from './limits';

/** Announced when a session has given too many wrong current passwords; the auth module ends it. */
export const PASSWORD_GUESSING_EVENT = 'session.password-guessing';

export class PasswordGuessingEvent {
  constructor(readonly sessionId: string) {}
}

/** Who is asked for the password again: the account, and the session the request came in. */
export interface PasswordCheckCaller {
  /** The user's id. */
  id: string;
  sessionId: string;
}

/**
 * Limits the checks of a signed-in user's current password (`POST /auth/password`, `DELETE /users/me`), so that a
 * stolen access token does not become a stolen account: wrong passwords are counted per account before the hash
 * runs, and the session that makes too many of them ends.
 */
@Injectable()
export class PasswordCheckThrottle {
  constructor(
    private readonly limiter: AttemptLimiter,
    private readonly events: EventEmitter2,
  ) {}

  /** Runs the check unless the account must wait (then a 429); returns whether the password was right. */
  async verify(caller: PasswordCheckCaller, check: () => Promise<boolean>): Promise<boolean> {
    const account = `password-check:${caller.id}`;
    const session = `password-check-session:${caller.sessionId}`;
    const attempt = await this.limiter.reserve([
      { id: account, freeAttempts: PASSWORD_CHECK_LIMITS.account },
      { id: session, freeAttempts: COUNT_ONLY },
    ]);
    if (await check()) {
      await attempt.reset(account, session);
      return true;
    }
    if (attempt.countOf(session) >= PASSWORD_CHECK_LIMITS.sessionEndsAfter) {
      await this.events.emitAsync(PASSWORD_GUESSING_EVENT, new PasswordGuessingEvent(caller.sessionId));
    }
    return false;
  }
}
