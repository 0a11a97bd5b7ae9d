import { ConflictException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditEventType } from '../audit/audit-event-type';
import { AuditService } from '../audit/audit.service';
import type { ClientInfo } from '../common/http/client-info';
import { TypedProblemException } from '../common/http/typed-problem.exception';
import { Role } from '../common/role';
import { AppConfig } from '../config/app-config';
import { assertPasswordAllowed } from '../passwords/password-policy';
import { PasswordCheck, PasswordsService } from '../passwords/passwords.service';
import { toUserResponse, UserResponseDto } from '../users/dto/user-response.dto';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { AuthUser } from './decorators/auth-user';
import { AcceptedResponseDto, CHECK_YOUR_MAIL } from './dto/accepted-response.dto';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto } from './dto/login.dto';
import { DeviceTokensService } from './device-tokens/device-tokens.service';
import { MfaRequiredResponseDto } from './mfa/dto/mfa-required-response.dto';
import { VerifyMfaDto } from './mfa/dto/verify-mfa.dto';
import { MfaChallengesService } from './mfa/mfa-challenges.service';
import { SessionResponseDto } from './sessions/session-response.dto';
import { RegisterDto } from './dto/register.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { EmailVerificationService } from './email-verification/email-verification.service';
import { NewPasswordService } from './password-change/new-password.service';
import { INVALID_REFRESH_TOKEN, IssuedRefreshToken, SessionsService } from './sessions/sessions.service';
import { PasswordCheckThrottle } from '../throttle/password-check-throttle';
import { LoginAttempt, LoginThrottle } from './throttle/login-throttle';
import { AccessTokensService } from './tokens/access-tokens.service';
import { AuthMethod } from './tokens/auth-method';

export const INVALID_CREDENTIALS = 'The email or password is wrong.';
export const PASSWORD_CHANGED_MEANWHILE = 'The account changed while the password was being changed; sign in again.';
export const EMAIL_NOT_VERIFIED =
  'Confirm your email address with the link we mailed you before signing in; POST /auth/email/resend sends a new one.';

/** Registration answers 201 with the user, or, with REQUIRE_EMAIL_VERIFICATION, 202 with one body for everyone. */
export type Registration = { created: UserResponseDto } | { accepted: AcceptedResponseDto };

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordsService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokensService,
    private readonly throttle: LoginThrottle,
    private readonly passwordChecks: PasswordCheckThrottle,
    private readonly audit: AuditService,
    private readonly emailVerification: EmailVerificationService,
    private readonly newPasswords: NewPasswordService,
    private readonly config: AppConfig,
    private readonly mfaChallenges: MfaChallengesService,
    private readonly deviceTokens: DeviceTokensService,
  ) {}

  /** Creates the account and mails it a verification link. */
  async register(details: RegisterDto, client: ClientInfo): Promise<Registration> {
    // Before any lookup, so that a refused password tells nothing about the address.
    assertPasswordAllowed(details.password, details.email, 'password');
    if (this.config.requireEmailVerification) {
      await this.registerWithoutTelling(details, client);
      return { accepted: CHECK_YOUR_MAIL };
    }
    const user = await this.users.create(await this.newUser(details));
    await this.emailVerification.sendLink(user, client);
    return { created: toUserResponse(user) };
  }

  /** The same answer, after the same hashing, whether or not the address is taken; a taken one's owner is told. */
  private async registerWithoutTelling(details: RegisterDto, client: ClientInfo): Promise<void> {
    const newUser = await this.newUser(details);
    const user = await this.users.create(newUser).catch((error: unknown) => {
      if (error instanceof ConflictException) {
        return null;
      }
      throw error;
    });
    if (user) {
      await this.emailVerification.sendLink(user, client);
      return;
    }
    const owner = await this.users.findByEmail(details.email);
    if (owner) {
      await this.emailVerification.tellOwnerOfTakenAddress(owner, client);
    }
  }

  private async newUser(details: RegisterDto) {
    return {
      email: details.email,
      passwordHash: await this.passwords.hash(details.password),
      displayName: details.displayName ?? null,
      roles: [Role.User],
    };
  }

  /** One answer for an unknown email, a wrong password and a disabled account, in about the same time. */
  async login(credentials: LoginDto, client: ClientInfo): Promise<TokenResponseDto | MfaRequiredResponseDto> {
    const attempt = await this.throttle.reserve(credentials, client);
    const user = await this.users.findByEmail(credentials.email);
    const check = user
      ? await this.passwords.check(user.passwordHash, credentials.password)
      : await this.passwords.checkAgainstNothing(credentials.password);
    if (!user || !check.matches || user.disabled) {
      await this.audit.record(AuditEventType.LoginFailed, {
        userId: user?.id,
        client,
        details: { email: credentials.email },
      });
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    if (this.config.requireEmailVerification && user.emailVerifiedAt === null) {
      await this.refuseUnverified(user, attempt, client);
    }
    await this.upgradePasswordHash(user, credentials.password, check);
    return this.afterPassword(user, attempt, client);
  }

  /** With two-factor on, the right password earns only an mfaToken; otherwise the session starts now. */
  private async afterPassword(
    user: User,
    attempt: LoginAttempt,
    client: ClientInfo,
  ): Promise<TokenResponseDto | MfaRequiredResponseDto> {
    if (user.mfaEnabled) {
      await attempt.passwordAccepted();
      return this.mfaChallenges.issue(user, attempt.trustedDevice);
    }
    const { current, issued } = await this.startSession(user, client, [AuthMethod.Password]);
    const deviceToken = await attempt.succeeded(user.id);
    await this.audit.record(AuditEventType.LoginSucceeded, { userId: user.id, sessionId: issued.sessionId, client });
    return { ...this.tokensFor(current, issued), ...(deviceToken && { deviceToken }) };
  }

  /** Told only after the password was right: anyone else gets the usual 401. */
  private async refuseUnverified(user: User, attempt: LoginAttempt, client: ClientInfo): Promise<never> {
    await attempt.passwordAccepted();
    await this.audit.record(AuditEventType.LoginUnverified, { userId: user.id, client });
    throw new TypedProblemException('email-not-verified', 403, EMAIL_NOT_VERIFIED);
  }

  /** The second step of a two-factor login: a right code for the mfaToken starts the session. */
  async verifyMfa(body: VerifyMfaDto, client: ClientInfo): Promise<TokenResponseDto> {
    const user = await this.mfaChallenges.redeem(body, client);
    const { current, issued } = await this.startSession(user, client, [AuthMethod.Password, AuthMethod.Otp]);
    // The login's own device token, if it had one, is not kept in the clear; a new one takes its place.
    const deviceToken = await this.deviceTokens.issue(user.id);
    await this.audit.record(AuditEventType.LoginSucceeded, { userId: user.id, sessionId: issued.sessionId, client });
    return { ...this.tokensFor(current, issued), ...(deviceToken && { deviceToken }) };
  }

  /**
   * Starts the session, then reads the user again: a change racing this login either finds the new session and ends
   * it, or was written before the second read. So the token never carries stale roles, and a new password, disabling
   * or deletion (each raises the credential version) stops every login whose password was checked before it.
   */
  private async startSession(
    user: User,
    client: ClientInfo,
    amr: AuthMethod[],
  ): Promise<{ current: User; issued: IssuedRefreshToken }> {
    const issued = await this.sessions.start(user.id, client, amr).catch(async (error: unknown) => {
      // The user was deleted while the password was being checked.
      if (!(await this.users.findById(user.id))) {
        throw new UnauthorizedException(INVALID_CREDENTIALS);
      }
      throw error;
    });
    const current = await this.users.findById(user.id);
    if (!current || current.disabled || current.credentialVersion !== user.credentialVersion) {
      await this.sessions.end(issued.sessionId, 'disabled');
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    return { current, issued };
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenResponseDto> {
    const rotated = await this.sessions.rotate(refreshToken, client);
    const user = await this.users.findById(rotated.userId);
    if (!user || user.disabled) {
      await this.sessions.end(rotated.sessionId, 'disabled');
      throw new UnauthorizedException(INVALID_REFRESH_TOKEN);
    }
    return this.tokensFor(user, rotated);
  }

  async logout(caller: AuthUser, client: ClientInfo): Promise<void> {
    await this.sessions.end(caller.sessionId, 'logout');
    await this.audit.record(AuditEventType.Logout, { userId: caller.id, sessionId: caller.sessionId, client });
  }

  async logoutAll(caller: AuthUser, client: ClientInfo): Promise<void> {
    await this.sessions.endAllOfUser(caller.id, 'logout-all');
    await this.audit.record(AuditEventType.LogoutAll, { userId: caller.id, sessionId: caller.sessionId, client });
  }

  /** Checks the current password (403 when wrong, nothing changes), stores the new one and ends every session. */
  async changePassword(caller: AuthUser, change: ChangePasswordDto, client: ClientInfo): Promise<void> {
    const user = await this.users.findById(caller.id);
    const check = () => this.passwords.verify(user?.passwordHash ?? '', change.currentPassword);
    if (!user || !(await this.passwordChecks.verify(caller, check))) {
      throw new ForbiddenException('The current password is wrong.');
    }
    assertPasswordAllowed(change.newPassword, user.email, 'newPassword');
    const applied = await this.newPasswords.apply(user, await this.passwords.hash(change.newPassword), {
      by: 'change',
      sessionEndReason: 'password-changed',
      audit: { type: AuditEventType.PasswordChanged, context: { sessionId: caller.sessionId, client } },
    });
    if (!applied) {
      // Another password change, disabling or deletion came first; the sessions it ended stay ended.
      throw new ConflictException(PASSWORD_CHANGED_MEANWHILE);
    }
  }

  listSessions(caller: AuthUser): Promise<SessionResponseDto[]> {
    return this.sessions.list(caller.id, caller.sessionId);
  }

  /** Ending the current session is a logout; ending another is recorded as a revoked session. */
  async endSession(caller: AuthUser, sessionId: string, client: ClientInfo): Promise<void> {
    const isCurrent = sessionId === caller.sessionId;
    await this.sessions.endOwn(caller.id, sessionId, isCurrent ? 'logout' : 'revoked-by-user');
    const type = isCurrent ? AuditEventType.Logout : AuditEventType.SessionRevoked;
    await this.audit.record(type, { userId: caller.id, sessionId, client });
  }

  private tokensFor(user: User, issued: IssuedRefreshToken): TokenResponseDto {
    const accessToken = this.accessTokens.issue({
      userId: user.id,
      sessionId: issued.sessionId,
      roles: user.roles,
      amr: issued.amr,
    });
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.accessTokens.ttlSeconds,
      refreshToken: issued.refreshToken,
      refreshExpiresIn: issued.refreshExpiresIn,
    };
  }

  private async upgradePasswordHash(user: User, password: string, check: PasswordCheck): Promise<void> {
    if (check.needsRehash) {
      await this.users.replacePasswordHash(user, await this.passwords.hash(password));
    }
  }
}
