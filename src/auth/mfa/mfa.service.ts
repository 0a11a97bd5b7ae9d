import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import type { ClientInfo } from '../../common/http/client-info';
import { AppConfig } from '../../config/app-config';
import { twoFactorOffMail } from '../../mail/mail-templates';
import { Mailer } from '../../mail/mailer.service';
import { PasswordsService } from '../../passwords/passwords.service';
import { PasswordCheckThrottle } from '../../throttle/password-check-throttle';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import type { AuthUser } from '../decorators/auth-user';
import { SessionsService } from '../sessions/sessions.service';
import { ConfirmTotpDto } from './dto/confirm-totp.dto';
import { PasswordAndCodeDto } from './dto/password-and-code.dto';
import { RecoveryCodesResponseDto } from './dto/recovery-codes-response.dto';
import { TotpSetupResponseDto } from './dto/totp-setup-response.dto';
import { MfaCodeThrottle, mfaKeys } from './mfa-code-throttle';
import { MfaFactorsRepository } from './mfa-factors.repository';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes';
import { newTotpSecret, otpauthUri, stepOfCode, TOTP_CODE_PATTERN } from './totp';
import { TotpSecretSealer } from './totp-secret-sealer';

export const WRONG_CODE = 'The code is wrong or was already used.';
export const MFA_ALREADY_ON = 'Two-factor sign-in is already on; turn it off first.';
export const MFA_NOT_ON = 'Two-factor sign-in is not on.';
export const NO_PENDING_SETUP = 'There is no two-factor setup to confirm; start one first.';
export const MFA_CHANGED_MEANWHILE = 'Two-factor sign-in changed meanwhile; try again.';

/** One second factor as given: a TOTP code or a recovery code. */
export interface SecondFactor {
  code?: string;
  recoveryCode?: string;
}

export type SecondFactorKind = 'totp' | 'recovery-code';

/** TOTP enrolment and the second factors: setup, confirm, disable, recovery codes, and checking a code. */
@Injectable()
export class MfaService {
  private readonly issuerName: string;

  constructor(
    private readonly users: UsersService,
    private readonly factors: MfaFactorsRepository,
    private readonly sealer: TotpSecretSealer,
    private readonly passwords: PasswordsService,
    private readonly passwordChecks: PasswordCheckThrottle,
    private readonly codeThrottle: MfaCodeThrottle,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.issuerName = new URL(config.jwt.issuer).hostname;
  }

  /** A new pending secret in place of any earlier pending one; 409 while two-factor is on. */
  async setup(caller: AuthUser, client: ClientInfo): Promise<TotpSetupResponseDto> {
    const user = await this.userOf(caller);
    const secret = newTotpSecret();
    if (
      user.mfaEnabled ||
      !(await this.factors.replacePendingTotp(user.id, randomUUID(), this.sealer.seal(secret, user.id)))
    ) {
      throw new ConflictException(MFA_ALREADY_ON);
    }
    await this.audit.record(AuditEventType.MfaSetupStarted, { userId: user.id, sessionId: caller.sessionId, client });
    return { secret, otpauthUri: otpauthUri(secret, this.issuerName, user.email) };
  }

  /**
   * The password and a right code of the pending secret turn two-factor on and yield the recovery codes, shown this
   * once. Without the password, a stolen access token could bind the thief's authenticator and lock the owner out.
   */
  async confirm(caller: AuthUser, proof: ConfirmTotpDto, client: ClientInfo): Promise<RecoveryCodesResponseDto> {
    const user = await this.userOf(caller);
    const factor = await this.factors.findTotp(user.id);
    if (user.mfaEnabled) {
      throw new ConflictException(MFA_ALREADY_ON);
    }
    if (!factor) {
      throw new ConflictException(NO_PENDING_SETUP);
    }
    await this.checkPassword(caller, user, proof.password);
    const step = stepOfCode(this.sealer.open(factor.sealedSecret, user.id), proof.code, this.clock.now().getTime());
    if (step === null) {
      await this.recordFailure(user.id, caller.sessionId, client, 'totp');
      throw new ForbiddenException(WRONG_CODE);
    }
    const recoveryCodes = newRecoveryCodes();
    if (!(await this.factors.enable(user.id, factor.secretId, step, recoveryCodes.map(hashOf)))) {
      throw new ConflictException(MFA_CHANGED_MEANWHILE);
    }
    await this.audit.record(AuditEventType.MfaEnabled, { userId: user.id, sessionId: caller.sessionId, client });
    return { recoveryCodes };
  }

  /** Turns two-factor off after the password and a code; every other session of the user ends. */
  async disable(caller: AuthUser, proof: PasswordAndCodeDto, client: ClientInfo): Promise<void> {
    const user = await this.checkPasswordAndCode(caller, proof, client);
    if (!(await this.factors.disable(user.id))) {
      throw new ConflictException(MFA_CHANGED_MEANWHILE);
    }
    await this.sessions.endOthersOfUser(user.id, caller.sessionId, 'mfa-disabled');
    this.mailer.queue(twoFactorOffMail(user.email, 'owner'));
    await this.audit.record(AuditEventType.MfaDisabled, { userId: user.id, sessionId: caller.sessionId, client });
  }

  /**
   * For an owner who lost both the authenticator and the recovery codes, at an operator's command: two-factor sign-in
   * is off, every session of the account ends, and the owner is mailed a notice. False when it was not on.
   * `details` say where the operator acted, for the audit event.
   */
  async disableByOperator(user: User, details: Record<string, string>): Promise<boolean> {
    if (!(await this.factors.disable(user.id))) {
      return false;
    }
    await this.sessions.endAllOfUser(user.id, 'mfa-disabled');
    this.mailer.queue(twoFactorOffMail(user.email, 'operator'));
    await this.audit.record(AuditEventType.MfaDisabled, { userId: user.id, details });
    return true;
  }

  /** A new set of recovery codes after the password and a code; the old set stops working. */
  async renewRecoveryCodes(
    caller: AuthUser,
    proof: PasswordAndCodeDto,
    client: ClientInfo,
  ): Promise<RecoveryCodesResponseDto> {
    const user = await this.checkPasswordAndCode(caller, proof, client);
    const recoveryCodes = newRecoveryCodes();
    if (!(await this.factors.replaceRecoveryCodes(user.id, recoveryCodes.map(hashOf)))) {
      throw new ConflictException(MFA_CHANGED_MEANWHILE);
    }
    const context = { userId: user.id, sessionId: caller.sessionId, client };
    await this.audit.record(AuditEventType.MfaRecoveryCodesRenewed, context);
    return { recoveryCodes };
  }

  /**
   * Checks a TOTP code (each time step accepted once) or a recovery code (each once), counted by the code throttle
   * before it runs. Returns which kind was right, or null.
   */
  checkSecondFactor(
    user: User,
    factor: SecondFactor,
    client: ClientInfo,
    trustedDevice: boolean,
  ): Promise<SecondFactorKind | null> {
    return this.codeThrottle.verify(mfaKeys(user.id, client, trustedDevice), async () => {
      if (factor.recoveryCode !== undefined) {
        const codeHash = hashRecoveryCode(factor.recoveryCode);
        return codeHash !== null && (await this.factors.useRecoveryCode(user.id, codeHash)) ? 'recovery-code' : null;
      }
      const totp = await this.factors.findTotp(user.id);
      const step =
        totp && stepOfCode(this.sealer.open(totp.sealedSecret, user.id), factor.code ?? '', this.clock.now().getTime());
      return typeof step === 'number' && (await this.factors.useStep(user.id, step)) ? 'totp' : null;
    });
  }

  /** Records a wrong second factor: which kind, never the value. */
  recordFailure(userId: string, sessionId: string | null, client: ClientInfo, kind: SecondFactorKind): Promise<void> {
    return this.audit.record(AuditEventType.MfaFailed, { userId, sessionId, client, details: { factor: kind } });
  }

  private async checkPasswordAndCode(caller: AuthUser, proof: PasswordAndCodeDto, client: ClientInfo): Promise<User> {
    const user = await this.userOf(caller);
    if (!user.mfaEnabled) {
      throw new ConflictException(MFA_NOT_ON);
    }
    await this.checkPassword(caller, user, proof.password);
    const factor = TOTP_CODE_PATTERN.test(proof.code) ? { code: proof.code } : { recoveryCode: proof.code };
    const kind = factor.code ? 'totp' : 'recovery-code';
    if (!(await this.checkSecondFactor(user, factor, client, false))) {
      await this.recordFailure(user.id, caller.sessionId, client, kind);
      throw new ForbiddenException(WRONG_CODE);
    }
    if (kind === 'recovery-code') {
      await this.audit.record(AuditEventType.MfaRecoveryUsed, { userId: user.id, sessionId: caller.sessionId, client });
    }
    return user;
  }

  /** 403 when wrong, counted like every password asked again (PasswordCheckThrottle). */
  private async checkPassword(caller: AuthUser, user: User, password: string): Promise<void> {
    const check = () => this.passwords.verify(user.passwordHash, password);
    if (!(await this.passwordChecks.verify(caller, check))) {
      throw new ForbiddenException('The password is wrong.');
    }
  }

  private async userOf(caller: AuthUser): Promise<User> {
    const user = await this.users.findById(caller.id);
    if (!user) {
      throw new NotFoundException('No user has this id.');
    }
    return user;
  }
}

function hashOf(code: string): string {
  // Our own codes always have the normal form.
  return hashRecoveryCode(code) as string;
}
