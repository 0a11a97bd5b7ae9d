import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
  ) {}

  async insertSession(session: Session, tokenHash: string): Promise<void> {
    await this.sessions.insert(session);
    await this.refreshTokens.insert({ sessionId: session.id, tokenHash, retiredAt: null });
  }

  /** The refresh token with this hash and its session, retired or not. */
  findTokenWithSession(tokenHash: string): Promise<RefreshToken | null> {
    return this.refreshTokens.findOne({ where: { tokenHash }, relations: { session: true } });
  }

  /**
   * Retires the token only if nobody has yet; of any number of racing callers exactly one gets `true`.
   */
  async retireToken(id: string, at: Date): Promise<boolean> {
    const result = await this.refreshTokens.update({ id, retiredAt: IsNull() }, { retiredAt: at });
    return result.affected === 1;
  }

  async insertSuccessor(sessionId: string, tokenHash: string, usedAt: Date, idleExpiresAt: Date): Promise<void> {
    await this.refreshTokens.insert({ sessionId, tokenHash, retiredAt: null });
    await this.sessions.update({ id: sessionId }, { lastUsedAt: usedAt, idleExpiresAt });
  }

  /** Ends a session that is still running; returns false when it had already ended. */
  async endSession(id: string, at: Date, reason: string): Promise<boolean> {
    const result = await this.sessions.update({ id, endedAt: IsNull() }, { endedAt: at, endReason: reason });
    return result.affected === 1;
  }

  async endSessionsOfUser(userId: string, at: Date, reason: string): Promise<void> {
    await this.sessions.update({ userId, endedAt: IsNull() }, { endedAt: at, endReason: reason });
  }
}
