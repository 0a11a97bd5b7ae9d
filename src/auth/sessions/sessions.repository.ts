import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, MoreThan, Repository } from 'typeorm';
import { insertOnly } from '../../database/insert-only';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
  ) {}

  async insertSession(session: Session, tokenHash: string): Promise<void> {
    await insertOnly(this.sessions, session);
    await insertOnly(this.refreshTokens, { sessionId: session.id, tokenHash, retiredAt: null });
  }

  /** The refresh token with this hash and its session, retired or not. */
  findTokenWithSession(tokenHash: string): Promise<RefreshToken | null> {
    return this.refreshTokens.findOne({ where: { tokenHash }, relations: { session: true } });
  }

  /** Retires the token only if nobody has yet; of any number of racing callers exactly one gets `true`. */
  async retireToken(id: string, at: Date): Promise<boolean> {
    const result = await this.refreshTokens.update({ id, retiredAt: IsNull() }, { retiredAt: at });
    return result.affected === 1;
  }

  async insertSuccessor(sessionId: string, tokenHash: string, usedAt: Date, idleExpiresAt: Date): Promise<void> {
    await insertOnly(this.refreshTokens, { sessionId, tokenHash, retiredAt: null });
    await this.sessions.update({ id: sessionId }, { lastUsedAt: usedAt, idleExpiresAt });
  }

  /** The user's sessions that have neither ended nor expired, newest first. */
  findLiveOfUser(userId: string, now: Date): Promise<Session[]> {
    return this.sessions.find({
      where: { userId, endedAt: IsNull(), idleExpiresAt: MoreThan(now), expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC' },
    });
  }

  /** Ends the sessions that are still running; returns the ids it ended. */
  async endSessions(ids: string[], at: Date, reason: string): Promise<string[]> {
    if (ids.length === 0) {
      return [];
    }
    const running = await this.sessions.find({ select: { id: true }, where: { id: In(ids), endedAt: IsNull() } });
    const runningIds = running.map((session) => session.id);
    if (runningIds.length > 0) {
      await this.sessions.update({ id: In(runningIds), endedAt: IsNull() }, { endedAt: at, endReason: reason });
    }
    return runningIds;
  }

  /** Every session of the user that has not ended, whether or not it has expired. */
  async findUnendedIdsOfUser(userId: string): Promise<string[]> {
    const sessions = await this.sessions.find({ select: { id: true }, where: { userId, endedAt: IsNull() } });
    return sessions.map((session) => session.id);
  }

  /**
   * Deletes sessions (and, by cascade, their refresh tokens) that can never be used again: expired ones, and
   * ended ones once `endedBefore` has passed (their revocation entries outlive them).
   */
  async deleteFinished(now: Date, endedBefore: Date): Promise<number> {
    const result = await this.sessions
      .createQueryBuilder()
      .delete()
      .where('expires_at <= :now OR idle_expires_at <= :now OR ended_at <= :endedBefore', { now, endedBefore })
      .execute();
    return result.affected ?? 0;
  }
}
