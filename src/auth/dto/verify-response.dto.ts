import { ApiProperty } from '@nestjs/swagger';
import { Role } from '../../common/role';
import type { AuthUser } from '../decorators/auth-user';
import { AuthMethod } from '../tokens/auth-method';

/** What a gateway learns about a good token; the same values come as X-Auth-* headers. */
export class VerifyResponseDto {
  /** The user id. */
  sub: string;
  /** The session id. */
  sid: string;
  roles: Role[];
  /** How the user signed in: `["pwd"]`, or `["pwd", "otp"]` after a second factor. */
  amr: AuthMethod[];
  /** When the token expires, in seconds since the epoch. */
  @ApiProperty({ type: 'integer' })
  exp: number;
}

export function toVerifyResponse(caller: AuthUser): VerifyResponseDto {
  return { sub: caller.id, sid: caller.sessionId, roles: caller.roles, amr: caller.amr, exp: caller.expiresAt };
}
