import { Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import type { ClientInfo } from '../../common/http/client-info';
import { AppConfig } from '../../config/app-config';
import { Metrics } from '../../metrics/metrics';
import { UserChangedEvent, UserEvent } from '../../users/user.events';
import { SessionResponseDto, toSessionResponse } from './session-response.dto';
import { RevocationsService } from '../revocations/revocations.service';
import { AuthMethod } from '../tokens/auth-method';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from './refresh-token-value';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { openSuccessor, sealSuccessor } from './successor-seal';

export interface IssuedRefreshToken {
  sessionId: string;
  userId: string;
  refreshToken: string;
  /** Seconds until this refresh token can no longer be used: the nearer of the idle and the absolute limit. */
  refreshExpiresIn: number;
  /** How the user signed in to the session. */
  amr: AuthMethod[];
}

export const INVALID_REFRESH_TOKEN = 'The refresh token is invalid, expired or revoked.';

/**
 * Sessions and their refresh-token families: start on login, rotate on refresh, end on logout. Ending a session
 * also revokes its access tokens, at once.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly revocations: RevocationsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async start(
    userId: string,
    client: ClientInfo,
    amr: AuthMethod[] = [AuthMethod.Password],
  ): Promise<IssuedRefreshToken> {
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
      userAgent: client.userAgent,
      ip: client.ip,
      amr,
    };
    const refreshToken = newRefreshToken();
    await this.sessions.insertSession(session, hashRefreshToken(refreshToken));
    return {
      sessionId: session.id,
      userId,
      refreshToken,
      refreshExpiresIn: this.secondsLeft(session.idleExpiresAt, now),
      amr,
    };
  }

  /**
   * Exchanges a refresh token for its successor. A token that was already exchanged is a replay: the whole session
   * ends, unless it was retired within REFRESH_TOKEN_REUSE_INTERVAL and its successor is unused, which is then
   * answered again (a lost response, two tabs). Every failure is the same 401.
   */
  async rotate(presented: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    const stored = looksLikeRefreshToken(presented)
      ? await this.sessions.findTokenWithSession(hashRefreshToken(presented))
      : null;
    const session = stored?.session;
    const now = this.clock.now();
    if (!stored || !session || !this.isLive(session, now)) {
      throw new UnauthorizedException(INVALID_REFRESH_TOKEN);
    }
    if (stored.retiredAt === null) {
      const issued = await this.exchange(presented, stored.id, session, now);
      if (issued) {
        return issued;
      }
    }
    const retry = await this.successorForRetry(presented, now);
    if (retry) {
      return retry;
    }
    this.metrics.refreshReuseDetected();
    await this.endSessions([session.id], 'refresh-reuse');
    await this.audit.record(AuditEventType.RefreshReuseDetected, {
      userId: session.userId,
      sessionId: session.id,
      client,
    });
    throw new UnauthorizedException(INVALID_REFRESH_TOKEN);
  }

  async list(userId: string, currentSessionId: string): Promise<SessionResponseDto[]> {
    const live = await this.sessions.findLiveOfUser(userId, this.clock.now());
    return live.map((session) => toSessionResponse(session, currentSessionId));
  }

  /** Ends one of the caller's live sessions; any other id, the caller's ended ones included, is a 404. */
  async endOwn(userId: string, sessionId: string, reason: string): Promise<void> {
    const live = await this.sessions.findLiveOfUser(userId, this.clock.now());
    if (!live.some((session) => session.id === sessionId)) {
      throw new NotFoundException('You have no live session with this id.');
    }
    await this.endSessions([sessionId], reason);
  }

  async end(sessionId: string, reason: string): Promise<void> {
    await this.endSessions([sessionId], reason);
  }

  /** Ends every session of the user and revokes every access token the user holds now. */
  async endAllOfUser(userId: string, reason: string): Promise<void> {
    await this.revocations.revokeUser(userId);
    await this.endSessions(await this.sessions.findUnendedIdsOfUser(userId), reason);
  }

  /** Ends every session of the user but this one (whose tokens keep working). */
  async endOthersOfUser(userId: string, keptSessionId: string, reason: string): Promise<void> {
    const others = (await this.sessions.findUnendedIdsOfUser(userId)).filter((id) => id !== keptSessionId);
    await this.endSessions(others, reason);
  }

  /** Deletes sessions that can never be used again; their revocation entries are purged separately. */
  purgeFinished(): Promise<number> {
    const now = this.clock.now();
    const revocationWindowMs = (this.config.jwt.accessTokenTtlSeconds + this.config.jwt.clockToleranceSeconds) * 1000;
    return this.sessions.deleteFinished(now, new Date(now.getTime() - revocationWindowMs));
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
  async onDeleted(event: UserChangedEvent): Promise<void> {
    await this.revocations.revokeDeletedUser(event.userId);
    await this.endSessions(await this.sessions.findUnendedIdsOfUser(event.userId), 'user-deleted');
  }

  /** Retires the token for a new one; null when a racing refresh retired it first. */
  private async exchange(
    presented: string,
    tokenId: string,
    session: Session,
    now: Date,
  ): Promise<IssuedRefreshToken | null> {
    const idleExpiresAt = new Date(
      Math.min(this.after(now, this.config.refreshToken.idleTtlSeconds).getTime(), session.expiresAt.getTime()),
    );
    const refreshToken = newRefreshToken();
    const rotated = await this.sessions.rotateToken({
      tokenId,
      sessionId: session.id,
      at: now,
      successorHash: hashRefreshToken(refreshToken),
      successorSealed:
        this.config.refreshToken.reuseIntervalSeconds > 0 ? sealSuccessor(presented, tokenId, refreshToken) : null,
      idleExpiresAt,
    });
    return rotated ? this.issued(session, refreshToken, idleExpiresAt, now) : null;
  }

  /** The same successor again for a token retired within the reuse interval whose successor is still unused. */
  private async successorForRetry(presented: string, now: Date): Promise<IssuedRefreshToken | null> {
    // Read again: a racing refresh may have retired it since the first read.
    const retired = await this.sessions.findTokenWithSession(hashRefreshToken(presented));
    const session = retired?.session;
    const windowEnd = (retired?.retiredAt?.getTime() ?? 0) + this.config.refreshToken.reuseIntervalSeconds * 1000;
    if (!retired?.successorSealed || !session || !this.isLive(session, now) || now.getTime() >= windowEnd) {
      return null;
    }
    const successor = openSuccessor(presented, retired.id, retired.successorSealed);
    return successor === null ? null : this.issued(session, successor, session.idleExpiresAt, now);
  }

  private issued(session: Session, refreshToken: string, idleExpiresAt: Date, now: Date): IssuedRefreshToken {
    return {
      sessionId: session.id,
      userId: session.userId,
      refreshToken,
      refreshExpiresIn: this.secondsLeft(idleExpiresAt, now),
      amr: session.amr,
    };
  }

  // The revocation is written before the session row changes: a crash in between leaves the tokens revoked.
  private async endSessions(ids: string[], reason: string): Promise<void> {
    await this.revocations.revokeSessions(ids);
    await this.sessions.endSessions(ids, this.clock.now(), reason);
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
