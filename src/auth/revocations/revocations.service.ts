import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { Revocation, RevocationKind } from './revocation.entity';
import { RevocationsRepository } from './revocations.repository';

export interface TokenIdentity {
  sub: string;
  sid: string;
  /** Issued at, in seconds since the epoch. */
  iat: number;
}

/**
 * Answers "is this access token still good?" from memory, so authenticating a request reads no database.
 * It holds the ended session ids and, per user, a cut-off time; each entry is kept only until every token it
 * could stop has expired. Writes go to the database first, so a restarted instance reloads the same set.
 */
@Injectable()
export class RevocationsService implements OnModuleInit {
  /** Session id → when the entry may be forgotten (ms since the epoch). */
  private readonly endedSessions = new Map<string, number>();
  /** User id → tokens issued before this second are revoked, and when the entry may be forgotten. */
  private readonly userCutoffs = new Map<string, { notBefore: number; forgetAt: number }>();

  constructor(
    private readonly revocations: RevocationsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  isRevoked(token: TokenIdentity): boolean {
    if (this.endedSessions.has(token.sid)) {
      return true;
    }
    const cutoff = this.userCutoffs.get(token.sub);
    return cutoff !== undefined && token.iat < cutoff.notBefore;
  }

  /** Stops every access token of these sessions, at once. */
  async revokeSessions(sessionIds: string[]): Promise<void> {
    const entries = sessionIds.map((id) => this.entry(RevocationKind.Session, id));
    await this.revocations.save(entries);
    entries.forEach((entry) => this.remember(entry));
  }

  /** Stops every access token the user holds now; tokens issued from this second on are unaffected. */
  async revokeUser(userId: string): Promise<void> {
    const entry = this.entry(RevocationKind.User, userId);
    await this.revocations.save([entry]);
    this.remember(entry);
  }

  /** Rebuilds the set from the database: at start-up, and to learn what other instances revoked. */
  async reload(): Promise<void> {
    const live = await this.revocations.findLive(this.clock.now());
    this.endedSessions.clear();
    this.userCutoffs.clear();
    live.forEach((entry) => this.remember(entry));
  }

  /** Forgets expired entries in memory and in the database; returns how many rows went. */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    this.forgetExpired(now.getTime());
    return this.revocations.deleteExpired(now);
  }

  get size(): { sessions: number; users: number } {
    return { sessions: this.endedSessions.size, users: this.userCutoffs.size };
  }

  private forgetExpired(nowMs: number): void {
    for (const [id, forgetAt] of this.endedSessions) {
      if (forgetAt <= nowMs) {
        this.endedSessions.delete(id);
      }
    }
    for (const [id, cutoff] of this.userCutoffs) {
      if (cutoff.forgetAt <= nowMs) {
        this.userCutoffs.delete(id);
      }
    }
  }

  private entry(kind: RevocationKind, targetId: string): Revocation {
    const now = this.clock.now();
    // The last token this entry could stop was issued just now and lives one TTL, plus the skew verification allows.
    const lifetimeMs = (this.config.jwt.accessTokenTtlSeconds + this.config.jwt.clockToleranceSeconds) * 1000;
    return { kind, targetId, revokedAt: now, expiresAt: new Date(now.getTime() + lifetimeMs) };
  }

  private remember(entry: Revocation): void {
    const forgetAt = entry.expiresAt.getTime();
    if (entry.kind === RevocationKind.Session) {
      this.endedSessions.set(entry.targetId, forgetAt);
      return;
    }
    const notBefore = Math.floor(entry.revokedAt.getTime() / 1000);
    const previous = this.userCutoffs.get(entry.targetId);
    if (!previous || previous.notBefore <= notBefore) {
      this.userCutoffs.set(entry.targetId, { notBefore, forgetAt: Math.max(forgetAt, previous?.forgetAt ?? 0) });
    }
  }
}
