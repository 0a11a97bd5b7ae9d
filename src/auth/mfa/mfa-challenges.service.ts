import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import type { ClientInfo } from '../../common/http/client-info';
import { MFA_LIMITS } from '../../throttle/limits';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from '../sessions/refresh-token-value';
import { MfaRequiredResponseDto } from './dto/mfa-required-response.dto';
import { VerifyMfaDto } from './dto/verify-mfa.dto';
import { MfaChallengesRepository } from './mfa-challenges.repository';
import { MfaService, WRONG_CODE } from './mfa.service';

/** Long enough to open an authenticator app and type a code; short enough that a stolen mfaToken soon dies. */
export const MFA_TOKEN_TTL_SECONDS = 5 * 60;
export const INVALID_MFA_TOKEN = 'The mfaToken is invalid, expired or used up; sign in again.';

/**
 * The second step of a two-factor login. The password earns an mfaToken (random like a refresh token, stored as a
 * SHA-256) that only `/auth/mfa/verify` takes; a right code redeems it once, for the session.
 */
@Injectable()
export class MfaChallengesService {
  constructor(
    private readonly challenges: MfaChallengesRepository,
    private readonly users: UsersService,
    private readonly mfa: MfaService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async issue(user: User, trustedDevice: boolean): Promise<MfaRequiredResponseDto> {
    const mfaToken = newRefreshToken();
    await this.challenges.insert({
      id: randomUUID(),
      tokenHash: hashRefreshToken(mfaToken),
      userId: user.id,
      credentialVersion: user.credentialVersion,
      trustedDevice,
      triesLeft: MFA_LIMITS.triesPerToken,
      expiresAt: new Date(this.clock.now().getTime() + MFA_TOKEN_TTL_SECONDS * 1000),
    });
    return { mfaRequired: true, mfaToken, expiresIn: MFA_TOKEN_TTL_SECONDS };
  }

  /**
   * The user whose mfaToken this is, once a right code redeemed it. A bad, expired, used-up or stale token (the
   * password changed, the account was disabled or two-factor turned off since) is 401; a wrong code 403.
   */
  async redeem(body: VerifyMfaDto, client: ClientInfo): Promise<User> {
    const challenge = looksLikeRefreshToken(body.mfaToken)
      ? await this.challenges.findByTokenHash(hashRefreshToken(body.mfaToken))
      : null;
    const user = challenge && (await this.users.findById(challenge.userId));
    const stale = !user || user.disabled || !user.mfaEnabled || user.credentialVersion !== challenge?.credentialVersion;
    if (!challenge || stale || !(await this.challenges.takeTry(challenge.id, this.clock.now()))) {
      throw new UnauthorizedException(INVALID_MFA_TOKEN);
    }
    const kind = await this.mfa.checkSecondFactor(user, body, client, challenge.trustedDevice);
    if (kind === null) {
      await this.mfa.recordFailure(user.id, null, client, body.recoveryCode === undefined ? 'totp' : 'recovery-code');
      throw new ForbiddenException(WRONG_CODE);
    }
    // Two right codes raced with one token: one session only.
    if (!(await this.challenges.consume(challenge.id))) {
      throw new UnauthorizedException(INVALID_MFA_TOKEN);
    }
    if (kind === 'recovery-code') {
      await this.audit.record(AuditEventType.MfaRecoveryUsed, { userId: user.id, client });
    }
    await this.audit.record(AuditEventType.MfaSucceeded, { userId: user.id, client, details: { factor: kind } });
    return user;
  }

  purgeExpired(): Promise<number> {
    return this.challenges.deleteExpired(this.clock.now());
  }
}
