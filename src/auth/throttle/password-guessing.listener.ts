import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PASSWORD_GUESSING_EVENT, PasswordGuessingEvent } from '../../throttle/password-check-throttle';
import { SessionsService } from '../sessions/sessions.service';

/** Ends a session that has given too many wrong current passwords: its token is likely not its owner's. */
@Injectable()
export class PasswordGuessingListener {
  constructor(private readonly sessions: SessionsService) {}

  @OnEvent(PASSWORD_GUESSING_EVENT, { promisify: true, suppressErrors: false })
  onPasswordGuessing(event: PasswordGuessingEvent): Promise<void> {
    return this.sessions.end(event.sessionId, 'password-guessing');
  }
}
