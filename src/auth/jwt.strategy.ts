import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import type { AuthUser } from './decorators/auth-user';
import { KeyRing } from './keys/key-ring.service';
import { hasRequiredClaims, kidFromAcceptableHeader } from './tokens/access-token-claims';

class UnacceptableTokenError extends Error {}

/**
 * Verifies the Bearer access token: header checked first, key found by `kid` in the ring only,
 * the configured algorithm pinned, `iss`, `aud`, `exp` and `nbf` verified, every claim required.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  private readonly maxLifetimeSeconds: number;

  constructor(config: AppConfig, keyRing: KeyRing) {
    const { algorithm, issuer, audience, clockToleranceSeconds, accessTokenTtlSeconds } = config.jwt;
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (_request: unknown, rawToken: string, done: (error: Error | null, key?: string) => void) => {
        const kid = kidFromAcceptableHeader(rawToken, algorithm);
        const key = kid === null ? undefined : keyRing.verificationKey(kid);
        if (key) {
          // @types/passport-jwt predates KeyObject; jsonwebtoken takes one, and a parsed key is what keeps verification fast.
          done(null, key as unknown as string);
        } else {
          done(new UnacceptableTokenError());
        }
      },
      algorithms: [algorithm],
      issuer,
      audience,
      jsonWebTokenOptions: { clockTolerance: clockToleranceSeconds },
    });
    this.maxLifetimeSeconds = accessTokenTtlSeconds;
  }

  validate(payload: unknown): AuthUser | false {
    if (!hasRequiredClaims(payload, this.maxLifetimeSeconds)) {
      return false;
    }
    return {
      id: payload.sub,
      sessionId: payload.sid,
      tokenId: payload.jti,
      roles: payload.roles,
      expiresAt: payload.exp,
    };
  }
}
