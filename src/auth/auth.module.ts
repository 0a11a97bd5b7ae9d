import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordsModule } from '../passwords/passwords.module';
import { UsersModule } from '../users/users.module';
import { AdminBootstrap } from './admin-bootstrap';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { JwksController } from './jwks.controller';
import { JwtStrategy } from './jwt.strategy';
import { KeyRing } from './keys/key-ring.service';
import { SigningKey } from './keys/signing-key.entity';
import { SigningKeysRepository } from './keys/signing-keys.repository';
import { RefreshToken } from './sessions/refresh-token.entity';
import { Session } from './sessions/session.entity';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { LoginThrottle } from './throttle/login-throttle';
import { AccessTokensService } from './tokens/access-tokens.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SigningKey, Session, RefreshToken]),
    PassportModule,
    UsersModule,
    PasswordsModule,
  ],
  controllers: [AuthController, JwksController],
  providers: [
    AuthService,
    AdminBootstrap,
    KeyRing,
    SigningKeysRepository,
    SessionsRepository,
    SessionsService,
    AccessTokensService,
    LoginThrottle,
    JwtStrategy,
    // Order matters: authenticate first, then check roles.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
})
export class AuthModule {}
