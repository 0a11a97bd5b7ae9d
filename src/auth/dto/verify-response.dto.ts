import { Role } from '../../common/role';
import type { AuthUser } from '../decorators/auth-user';

/** What a gateway learns about a good token; the same values come as X-Auth-* headers. */
export class VerifyResponseDto {
  /** The user id. */
  sub: string;
  /** The session id. */
  sid: string;
  roles: Role[];
  /** When the token expires, in seconds since the epoch. */
  exp: number;
}

export function toVerifyResponse(caller: AuthUser): VerifyResponseDto {
  return { sub: caller.id, sid: caller.sessionId, roles: caller.roles, exp: caller.expiresAt };
}
