import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { CleanupService } from './cleanup.service';
import { DeviceToken } from './device-tokens/device-token.entity';
import { DeviceTokensRepository } from './device-tokens/device-tokens.repository';
import { DeviceTokensService } from './device-tokens/device-tokens.service';
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
    ]),
    AuditModule,
    PassportModule,
    UsersModule,
    PasswordsModule,
    ThrottleModule,
  ],
  controllers: [AuthController, SessionsController, JwksController, KeysController, MfaController],
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
})
export class AuthModule {}
