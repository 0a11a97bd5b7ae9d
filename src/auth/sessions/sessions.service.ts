import { Injectable, UnauthorizedException } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { UserChangedEvent, UserEvent } from '../../users/user.events';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from './refresh-token-value';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';

export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

export interface IssuedRefreshToken {
  sessionId: string;
  userId: string;
  refreshToken: string;
  /** Seconds until this refresh token can no longer be used: the nearer of the idle and the absolute limit. */
  refreshExpiresIn: number;
}

export const INVALID_REFRESH_TOKEN = 'The refresh token is invalid, expired or revoked.';

/** Sessions and their refresh-token families: start on login, rotate on refresh, end on logout. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async start(userId: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    const now = this.clock.now();
    const session: Session = {
      id: randomUUID(),
      userId,
      createdAt: now,
      lastUsedAt: now,
      idleExpiresAt: this.after(now, this.config.refreshToken.idleTtlSeconds),
      expiresAt: this.after(now, this.config.refreshToken.ttlSeconds),
      endedAt: null,
      endReason: null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip,
    };
    const refreshToken = newRefreshToken();
    await this.sessions.insertSession(session, hashRefreshToken(refreshToken));
    return {
      sessionId: session.id,
      userId,
      refreshToken,
      refreshExpiresIn: this.secondsLeft(session.idleExpiresAt, now),
    };
  }

  /**
   * Exchanges a refresh token for its successor. A token that was already exchanged is a replay:
   * the whole session ends. Every failure is the same 401.
   */
  async rotate(presented: string): Promise<IssuedRefreshToken> {
    const stored = looksLikeRefreshToken(presented)
      ? await this.sessions.findTokenWithSession(hashRefreshToken(presented))
      : null;
    const session = stored?.session;
    const now = this.clock.now();
    if (!stored || !session || !this.isLive(session, now)) {
      throw new UnauthorizedException(INVALID_REFRESH_TOKEN);
    }
    if (stored.retiredAt !== null || !(await this.sessions.retireToken(stored.id, now))) {
      await this.sessions.endSession(session.id, now, 'refresh-reuse');
      throw new UnauthorizedException(INVALID_REFRESH_TOKEN);
    }
    const idleExpiresAt = new Date(
      Math.min(this.after(now, this.config.refreshToken.idleTtlSeconds).getTime(), session.expiresAt.getTime()),
    );
    const refreshToken = newRefreshToken();
    await this.sessions.insertSuccessor(session.id, hashRefreshToken(refreshToken), now, idleExpiresAt);
    return {
      sessionId: session.id,
      userId: session.userId,
      refreshToken,
      refreshExpiresIn: this.secondsLeft(idleExpiresAt, now),
    };
  }

  async end(sessionId: string, reason: string): Promise<void> {
    await this.sessions.endSession(sessionId, this.clock.now(), reason);
  }

  async endAllOfUser(userId: string, reason: string): Promise<void> {
    await this.sessions.endSessionsOfUser(userId, this.clock.now(), reason);
  }

  @OnEvent(UserEvent.RolesChanged, { promisify: true, suppressErrors: false })
  onRolesChanged(event: UserChangedEvent): Promise<void> {
    return this.endAllOfUser(event.userId, 'roles-changed');
  }

  @OnEvent(UserEvent.Disabled, { promisify: true, suppressErrors: false })
  onDisabled(event: UserChangedEvent): Promise<void> {
    return this.endAllOfUser(event.userId, 'disabled');
  }

  @OnEvent(UserEvent.Deleted, { promisify: true, suppressErrors: false })
  onDeleted(event: UserChangedEvent): Promise<void> {
    return this.endAllOfUser(event.userId, 'user-deleted');
  }

  private isLive(session: Session, now: Date): boolean {
    return session.endedAt === null && now < session.idleExpiresAt && now < session.expiresAt;
  }

  private after(start: Date, seconds: number): Date {
    return new Date(start.getTime() + seconds * 1000);
  }

  private secondsLeft(until: Date, now: Date): number {
    return Math.floor((until.getTime() - now.getTime()) / 1000);
  }
}
