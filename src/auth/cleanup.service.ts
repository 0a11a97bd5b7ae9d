import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { DeviceTokensService } from './device-tokens/device-tokens.service';
import { MailedTokensService } from './mailed-tokens/mailed-tokens.service';
import { MfaChallengesService } from './mfa/mfa-challenges.service';
import { RevocationsService } from './revocations/revocations.service';
import { SessionsService } from './sessions/sessions.service';

const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Keeps the tables and the in-memory revocation set bounded: what can never be used again is deleted, and audit
 * events once older than AUDIT_RETENTION.
 */
@Injectable()
export class CleanupService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CleanupService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: SessionsService,
    private readonly revocations: RevocationsService,
    private readonly deviceTokens: DeviceTokensService,
    private readonly mailedTokens: MailedTokensService,
    private readonly audit: AuditService,
    private readonly mfaChallenges: MfaChallengesService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), CLEANUP_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      const sessions = await this.sessions.purgeFinished();
      const revocations = await this.revocations.purgeExpired();
      const deviceTokens = await this.deviceTokens.purgeExpired();
      const mailedTokens = await this.mailedTokens.purgeExpired();
      const events = await this.audit.purgeExpired();
      const challenges = await this.mfaChallenges.purgeExpired();
      if (sessions + revocations + deviceTokens + mailedTokens + challenges + events > 0) {
        this.logger.log(
          `Deleted ${sessions} finished session(s), ${revocations} expired revocation(s), ` +
            `${deviceTokens} expired device token(s), ${mailedTokens} expired mailed token(s), ` +
            `${challenges} expired mfaToken(s) and ${events} audit event(s)`,
        );
      }
    } catch (error) {
      this.logger.error('Clean-up failed; it runs again at the next interval', (error as Error).stack);
    }
  }
}
