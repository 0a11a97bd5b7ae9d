import { Injectable, UnauthorizedException } from '@nestjs/common';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { Role } from '../common/role';
import { PasswordsService } from '../passwords/passwords.service';
import { toUserResponse, UserResponseDto } from '../users/dto/user-response.dto';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { ClientInfo, INVALID_REFRESH_TOKEN, IssuedRefreshToken, SessionsService } from './sessions/sessions.service';
import { LoginThrottle, ThrottleKey } from './throttle/login-throttle';
import { AccessTokensService } from './tokens/access-tokens.service';

export const INVALID_CREDENTIALS = 'The email or password is wrong.';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordsService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokensService,
    private readonly throttle: LoginThrottle,
  ) {}

  async register(details: RegisterDto): Promise<UserResponseDto> {
    const user = await this.users.create({
      email: details.email,
      passwordHash: await this.passwords.hash(details.password),
      displayName: details.displayName ?? null,
      roles: [Role.User],
    });
    return toUserResponse(user);
  }

  /** One answer for an unknown email, a wrong password and a disabled account, in about the same time. */
  async login(credentials: LoginDto, client: ClientInfo): Promise<TokenResponseDto> {
    const throttleKeys: ThrottleKey[] = [
      { kind: 'account', id: credentials.email },
      { kind: 'client', id: client.ip ?? 'unknown' },
    ];
    const retryAfter = this.throttle.retryAfterSeconds(throttleKeys);
    if (retryAfter > 0) {
      throw new TooManyRequestsException(retryAfter);
    }
    const user = await this.users.findByEmail(credentials.email);
    const passwordMatches = user
      ? await this.passwords.verify(user.passwordHash, credentials.password)
      : await this.passwords.verifyAgainstNothing(credentials.password);
    if (!user || !passwordMatches || user.disabled) {
      this.throttle.recordFailure(throttleKeys);
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    this.throttle.recordSuccess(throttleKeys[0]);
    await this.upgradePasswordHash(user, credentials.password);
    return this.tokensFor(user, await this.sessions.start(user.id, client));
  }

  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const rotated = await this.sessions.rotate(refreshToken);
    const user = await this.users.findById(rotated.userId);
    if (!user || user.disabled) {
      await this.sessions.end(rotated.sessionId, 'disabled');
      throw new UnauthorizedException(INVALID_REFRESH_TOKEN);
    }
    return this.tokensFor(user, rotated);
  }

  logout(sessionId: string): Promise<void> {
    return this.sessions.end(sessionId, 'logout');
  }

  private tokensFor(user: User, issued: IssuedRefreshToken): TokenResponseDto {
    const accessToken = this.accessTokens.issue({ userId: user.id, sessionId: issued.sessionId, roles: user.roles });
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.accessTokens.ttlSeconds,
      refreshToken: issued.refreshToken,
      refreshExpiresIn: issued.refreshExpiresIn,
    };
  }

  private async upgradePasswordHash(user: User, password: string): Promise<void> {
    if (this.passwords.needsRehash(user.passwordHash)) {
      user.passwordHash = await this.passwords.hash(password);
      await this.users.save(user);
    }
  }
}
