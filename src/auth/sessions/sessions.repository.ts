import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, IsNull, MoreThan, Not, Repository } from 'typeorm';
import { insertOnly } from '../../database/insert-only';
import { runInOneTransaction } from '../../database/one-transaction';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';

export interface TokenRotation {
  tokenId: string;
  sessionId: string;
  at: Date;
  successorHash: string;
  /** The successor sealed for a retry of the retired token, or null when there is no reuse interval. */
  successorSealed: string | null;
  idleExpiresAt: Date;
}

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

  /**
   * Retires the token and inserts its successor in one transaction; of any number of racing callers exactly one gets
   * `true`. The token in use is its predecessor's successor, so first the predecessor's sealed copy goes.
   */
  rotateToken(rotation: TokenRotation): Promise<boolean> {
    const { tokenId, sessionId, at } = rotation;
    return runInOneTransaction(this.refreshTokens.manager.dataSource, [
      {
        build: (manager) =>
          manager
            .createQueryBuilder()
            .update(RefreshToken)
            .set({ successorSealed: null })
            .where({ sessionId, id: Not(tokenId), successorSealed: Not(IsNull()) }),
      },
      {
        build: (manager) =>
          manager
            .createQueryBuilder()
            .update(RefreshToken)
            .set({ retiredAt: at, successorSealed: rotation.successorSealed })
            .where({ id: tokenId, retiredAt: IsNull() }),
        mustChangeOne: true,
      },
      {
        build: (manager) =>
          manager
            .createQueryBuilder()
            .insert()
            .into(RefreshToken)
            .values({ id: randomUUID(), sessionId, tokenHash: rotation.successorHash, retiredAt: null })
            .updateEntity(false),
      },
      {
        build: (manager) =>
          manager
            .createQueryBuilder()
            .update(Session)
            .set({ lastUsedAt: at, idleExpiresAt: rotation.idleExpiresAt })
            .where({ id: sessionId }),
      },
    ]);
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
