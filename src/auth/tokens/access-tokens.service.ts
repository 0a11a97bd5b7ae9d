import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { Role } from '../../common/role';
import { AppConfig } from '../../config/app-config';
import { KeyRing } from '../keys/key-ring.service';
import { AuthMethod } from './auth-method';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims } from './access-token-claims';

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  roles: Role[];
  amr: AuthMethod[];
}

/** Mints access tokens with the ring's active key, every claim set explicitly. */
@Injectable()
export class AccessTokensService {
  constructor(
    private readonly config: AppConfig,
    private readonly keyRing: KeyRing,
    private readonly clock: Clock,
    private readonly jwt: JwtService,
  ) {}

  get ttlSeconds(): number {
    return this.config.jwt.accessTokenTtlSeconds;
  }

  issue(subject: AccessTokenSubject): string {
    const now = this.clock.nowSeconds();
    const claims: AccessTokenClaims = {
      iss: this.config.jwt.issuer,
      sub: subject.userId,
      aud: this.config.jwt.audience,
      iat: now,
      nbf: now,
      exp: now + this.ttlSeconds,
      jti: randomUUID(),
      sid: subject.sessionId,
      client_id: this.config.jwt.clientId,
      roles: subject.roles,
      amr: subject.amr,
    };
    const key = this.keyRing.activeKey;
    // The key changes with every rotation, so it is given per call, never registered with the module.
    return this.jwt.sign(claims, {
      privateKey: key.signingKey,
      algorithm: key.algorithm,
      keyid: key.kid,
      header: { alg: key.algorithm, typ: ACCESS_TOKEN_TYPE },
    });
  }
}
