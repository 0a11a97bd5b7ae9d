import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { RedisService } from '../../redis/redis.service';
import { Revocation, RevocationKind } from './revocation.entity';
import { RevocationsRepository } from './revocations.repository';

const CHANNEL = 'revocations';
/**
 * While Redis is configured but unreachable, or without Redis on PostgreSQL or a SQLite file, the set is read again
 * from the database this often.
 */
export const FALLBACK_RELOAD_INTERVAL_MS = 2000;

interface RevocationMessage {
  kind: RevocationKind;
  targetId: string;
  revokedAt: number;
  expiresAt: number;
}

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
export class RevocationsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RevocationsService.name);
  private fallbackTimer: NodeJS.Timeout | undefined;
  /** Session id → when the entry may be forgotten (ms since the epoch). */
  private readonly endedSessions = new Map<string, number>();
  /** User id → tokens issued before this second are revoked, and when the entry may be forgotten. */
  private readonly userCutoffs = new Map<string, { notBefore: number; forgetAt: number }>();

  constructor(
    private readonly revocations: RevocationsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    // PostgreSQL may be shared by several instances, and a SQLite file by the operations CLI (sessions:revoke-user,
    // users:set-password) in another process: without Redis, both learn of the other's revocations from the database.
    const database = this.config.database;
    if (!this.redis.enabled && (database.type === 'postgres' || database.path !== ':memory:')) {
      if (database.type === 'postgres') {
        this.logger.log(
          `REDIS_URL is not set: revocations made by other instances are read from the database every ${FALLBACK_RELOAD_INTERVAL_MS / 1000} s; set REDIS_URL to make them immediate`,
        );
      }
      this.fallbackTimer = setInterval(() => void this.reloadQuietly(), FALLBACK_RELOAD_INTERVAL_MS).unref();
    }
    if (this.redis.enabled) {
      // Subscribed before the first load, so nothing published meanwhile falls between the two.
      await this.redis.subscribe(CHANNEL, (message) => this.onMessage(message));
      // After an outage, whatever was published meanwhile is read from the database.
      this.redis.onReconnect(() => void this.reloadQuietly());
      this.fallbackTimer = setInterval(() => {
        if (!this.redis.healthy) {
          void this.reloadQuietly();
        }
      }, FALLBACK_RELOAD_INTERVAL_MS).unref();
    }
    await this.reload();
  }

  onModuleDestroy(): void {
    clearInterval(this.fallbackTimer);
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
    await this.record(sessionIds.map((id) => this.entry(RevocationKind.Session, id)));
  }

  /** Stops every access token the user holds now; tokens issued from this second on are unaffected. */
  async revokeUser(userId: string): Promise<void> {
    await this.record([this.entry(RevocationKind.User, userId)]);
  }

  /**
   * Stops every token of a deleted user, also ones minted later under a fresh `sid` (a login or refresh that raced
   * the deletion): the cut-off lies as far ahead as any token the service issued for the user could still live.
   */
  async revokeDeletedUser(userId: string): Promise<void> {
    const retentionMs = this.config.refreshToken.ttlSeconds * 1000 + this.lifetimeMs();
    const until = new Date(this.clock.now().getTime() + retentionMs);
    await this.record([{ kind: RevocationKind.User, targetId: userId, revokedAt: until, expiresAt: until }]);
  }

  /** Rebuilds the set from the database: at start-up, and to learn what other instances revoked. */
  async reload(): Promise<void> {
    const now = this.clock.now();
    const live = await this.revocations.findLive(now);
    // Merged, not replaced: an entry recorded here while the read was under way must not be dropped by it.
    this.forgetExpired(now.getTime());
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

  /** Database first, then this instance, then every other instance through Redis. */
  private async record(entries: Revocation[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    await this.revocations.save(entries);
    entries.forEach((entry) => this.remember(entry));
    const message: RevocationMessage[] = entries.map((entry) => ({
      kind: entry.kind,
      targetId: entry.targetId,
      revokedAt: entry.revokedAt.getTime(),
      expiresAt: entry.expiresAt.getTime(),
    }));
    await this.redis.publish(CHANNEL, JSON.stringify(message));
  }

  private onMessage(message: string): void {
    try {
      for (const entry of JSON.parse(message) as RevocationMessage[]) {
        this.remember({ ...entry, revokedAt: new Date(entry.revokedAt), expiresAt: new Date(entry.expiresAt) });
      }
    } catch {
      this.logger.warn('Ignored a revocation message that could not be read');
    }
  }

  private async reloadQuietly(): Promise<void> {
    await this.reload().catch((error: Error) => this.logger.warn(`Reloading revocations failed: ${error.message}`));
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
    // The last token this entry could stop was issued just now.
    return { kind, targetId, revokedAt: now, expiresAt: new Date(now.getTime() + this.lifetimeMs()) };
  }

  /** How long an access token can be accepted: one TTL, plus the skew verification allows. */
  private lifetimeMs(): number {
    return (this.config.jwt.accessTokenTtlSeconds + this.config.jwt.clockToleranceSeconds) * 1000;
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
