import { Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { KeyListing, toKeyListing } from './key-listing';
import { KeyRing } from './key-ring.service';
import { SigningKeysRepository } from './signing-keys.repository';

/**
 * How often the ring is read again, so that a rotation or a revocation made elsewhere (the CLI, another instance)
 * takes effect here within this time; old keys are deleted on the same beat.
 */
export const RING_REFRESH_INTERVAL_MS = 5_000;

export interface KeyChangeActor {
  actorId: string | null;
  via: 'api' | 'cli' | 'schedule';
}

/**
 * Rotation without logging anyone out: the published next key signs from now on, the previous one keeps verifying
 * until every token it signed has expired, then leaves the JWKS and the table. Revocation cuts a compromised key off
 * at once.
 */
@Injectable()
export class KeyRotationService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(KeyRotationService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly keyRing: KeyRing,
    private readonly keys: SigningKeysRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.maintain(), RING_REFRESH_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The published next key signs from now on and a new next key is published; returns the kid that signs. */
  async rotate(actor: KeyChangeActor): Promise<string> {
    const kid = await this.keyRing.rotate();
    await this.audit.record(AuditEventType.KeyRotated, { actorId: actor.actorId, details: { kid, via: actor.via } });
    return kid;
  }

  /**
   * Stops the key at once: its tokens fail from the next request. A revoked active key is replaced by the next key,
   * a revoked next key by a new one.
   */
  async revoke(kid: string, actor: KeyChangeActor): Promise<void> {
    const key = await this.keys.findByKid(kid);
    if (!key || !(await this.keys.markRevoked(kid, this.clock.now()))) {
      throw new NotFoundException(`No usable signing key has the id ${kid}.`);
    }
    await this.keyRing.complete();
    await this.audit.record(AuditEventType.KeyRevoked, { actorId: actor.actorId, details: { kid, via: actor.via } });
  }

  /** Every stored key with its state, newest first, as the ring sees the table now. */
  async list(): Promise<KeyListing[]> {
    await this.keyRing.reload();
    const ring = {
      activeKid: this.keyRing.activeKey.kid,
      nextKid: this.keyRing.nextKey?.kid,
      verifies: (kid: string) => this.keyRing.verificationKey(kid) !== undefined,
      retirementWindowMs: this.keyRing.retirementWindowMs,
    };
    return (await this.keys.findAll()).map((key) => toKeyListing(key, ring));
  }

  /** Reloads the ring, rotates when the active key is older than KEY_ROTATION_INTERVAL, deletes expired keys. */
  async maintain(): Promise<void> {
    try {
      await this.keys.retireSurplus(this.config.jwt.algorithm, this.clock.now());
      await this.keyRing.reload();
      if (this.isDueForRotation()) {
        await this.rotate({ actorId: null, via: 'schedule' });
      }
      const deleted = await this.keys.deleteRetiredBefore(
        new Date(this.clock.now().getTime() - this.keyRing.retirementWindowMs),
      );
      if (deleted > 0) {
        this.logger.log(`Deleted ${deleted} signing key(s) past their retirement window`);
      }
    } catch (error) {
      this.logger.error('Key ring maintenance failed; it runs again shortly', (error as Error).stack);
    }
  }

  private isDueForRotation(): boolean {
    const interval = this.config.keyRotationIntervalSeconds;
    const activeSince = this.keyRing.activeSinceDate;
    return (
      interval !== null &&
      activeSince !== undefined &&
      this.clock.now().getTime() - activeSince.getTime() >= interval * 1000
    );
  }
}
