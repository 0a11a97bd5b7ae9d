import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { CleanupService } from './cleanup.service';
import { DeviceToken } from './device-tokens/device-token.entity';
import { EmailVerificationController } from './email-verification/email-verification.controller';
import { EmailVerificationService } from './email-verification/email-verification.service';
import { MailedToken } from './mailed-tokens/mailed-token.entity';
import { MailedTokensRepository } from './mailed-tokens/mailed-tokens.repository';
import { MailedTokensService } from './mailed-tokens/mailed-tokens.service';
import { PasswordResetController } from './password-reset/password-reset.controller';
import { NewPasswordService } from './password-change/new-password.service';
import { PasswordResetService } from './password-reset/password-reset.service';
import { DeviceTokensRepository } from './device-tokens/device-tokens.repository';
import { DeviceTokensService } from './device-tokens/device-tokens.service';
import { DiscoveryController } from './discovery/discovery.controller';
import { JwksController } from './keys/jwks.controller';
import { KeysController } from './keys/keys.controller';
import { MfaChallenge } from './mfa/mfa-challenge.entity';
import { MfaChallengesRepository } from './mfa/mfa-challenges.repository';
import { MfaChallengesService } from './mfa/mfa-challenges.service';
import { MfaCodeThrottle } from './mfa/mfa-code-throttle';
import { MfaController } from './mfa/mfa.controller';
import { MfaFactorsRepository } from './mfa/mfa-factors.repository';
import { MfaService } from './mfa/mfa.service';
import { RecoveryCode } from './mfa/recovery-code.entity';
import { TotpFactor } from './mfa/totp-factor.entity';
import { TotpSecretSealer } from './mfa/totp-secret-sealer';
import { KeyRotationService } from './keys/key-rotation.service';
import { JwtStrategy } from './jwt.strategy';
import { KeyRing } from './keys/key-ring.service';
import { SigningKey } from './keys/signing-key.entity';
import { SigningKeysRepository } from './keys/signing-keys.repository';
import { Revocation } from './revocations/revocation.entity';
import { RevocationsRepository } from './revocations/revocations.repository';
import { RevocationsService } from './revocations/revocations.service';
import { SessionsController } from './sessions/sessions.controller';
import { RefreshToken } from './sessions/refresh-token.entity';
import { Session } from './sessions/session.entity';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { LoginThrottle } from './throttle/login-throttle';
import { PasswordGuessingListener } from './throttle/password-guessing.listener';
import { AccessTokensService } from './tokens/access-tokens.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      SigningKey,
      Session,
      RefreshToken,
      Revocation,
      DeviceToken,
      TotpFactor,
      RecoveryCode,
      MfaChallenge,
      MailedToken,
    ]),
    AuditModule,
    MailModule,
    PassportModule,
    // No key or options here: AccessTokensService passes the ring's active key and every option per call.
    JwtModule.register({}),
    UsersModule,
    PasswordsModule,
    ThrottleModule,
  ],
  controllers: [
    AuthController,
    SessionsController,
    JwksController,
    DiscoveryController,
    KeysController,
    EmailVerificationController,
    PasswordResetController,
    MfaController,
  ],
  providers: [
    AuthService,
    KeyRing,
    KeyRotationService,
    CleanupService,
    SigningKeysRepository,
    SessionsRepository,
    SessionsService,
    RevocationsRepository,
    RevocationsService,
    AccessTokensService,
    LoginThrottle,
    DeviceTokensRepository,
    DeviceTokensService,
    MailedTokensRepository,
    MailedTokensService,
    EmailVerificationService,
    PasswordResetService,
    NewPasswordService,
    PasswordGuessingListener,
    MfaService,
    MfaChallengesService,
    MfaChallengesRepository,
    MfaFactorsRepository,
    MfaCodeThrottle,
    TotpSecretSealer,
    JwtStrategy,
    // Order matters: authenticate first, then check roles.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  // Read by the metrics' gauges.
  exports: [RevocationsService, KeyRing],
})
export class AuthModule {}
