import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { KeyObject } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { AuthUser } from './decorators/auth-user';
import { KeyRing } from './keys/key-ring.service';
import { RevocationsService } from './revocations/revocations.service';
import { ClaimRules, hasRequiredClaims, kidFromAcceptableHeader } from './tokens/access-token-claims';

class UnacceptableTokenError extends Error {}

/**
 * Verifies the Bearer access token: header checked first, key found by `kid` in the ring only,
 * the configured algorithm pinned, `iss`, `aud`, `exp` and `nbf` verified, `iat` not in the future, every claim
 * required, and the session and user not revoked (answered from memory).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  private readonly rules: Omit<ClaimRules, 'latestIssuedAt'>;
  private readonly clockToleranceSeconds: number;

  constructor(
    config: AppConfig,
    keyRing: KeyRing,
    private readonly revocations: RevocationsService,
    private readonly clock: Clock,
  ) {
    const { algorithm, issuer, audience, clockToleranceSeconds, accessTokenTtlSeconds, clientId } = config.jwt;
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: keyProvider(keyRing, algorithm),
      algorithms: [algorithm],
      issuer,
      audience,
      jsonWebTokenOptions: { clockTolerance: clockToleranceSeconds },
    });
    this.rules = { maxLifetimeSeconds: accessTokenTtlSeconds, clientId };
    this.clockToleranceSeconds = clockToleranceSeconds;
  }

  validate(payload: unknown): AuthUser | false {
    const rules = { ...this.rules, latestIssuedAt: this.clock.nowSeconds() + this.clockToleranceSeconds };
    if (!hasRequiredClaims(payload, rules) || this.revocations.isRevoked(payload)) {
      return false;
    }
    return {
      id: payload.sub,
      sessionId: payload.sid,
      tokenId: payload.jti,
      roles: payload.roles,
      amr: payload.amr,
      expiresAt: payload.exp,
    };
  }
}

type KeyCallback = (error: Error | null, key?: string) => void;

/** Finds the verification key for a token: its header is checked first, and only keys of the ring are candidates. */
function keyProvider(keyRing: KeyRing, algorithm: string) {
  return (_request: unknown, rawToken: string, done: KeyCallback): void => {
    const kid = kidFromAcceptableHeader(rawToken, algorithm);
    if (kid === null) {
      return done(new UnacceptableTokenError());
    }
    // @types/passport-jwt predates KeyObject; jsonwebtoken takes one, and a parsed key is what keeps verification fast.
    const accept = (key: KeyObject | undefined) =>
      key ? done(null, key as unknown as string) : done(new UnacceptableTokenError());
    const known = keyRing.verificationKey(kid);
    if (known) {
      return accept(known);
    }
    // Perhaps a key another instance has just made: the ring reads its table again, at most every few seconds.
    keyRing.findVerificationKey(kid).then(accept, () => done(new UnacceptableTokenError()));
  };
}
