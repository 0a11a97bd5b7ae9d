import { Role } from '../../common/role';

/** Who is calling, as the verified access token says. */
export interface AuthUser {
  /** The user id (`sub`). */
  id: string;
  /** The session the token was issued in (`sid`). */
  sessionId: string;
  /** The token's own id (`jti`). */
  tokenId: string;
  roles: Role[];
  /** When the token expires, in seconds since the epoch (`exp`). */
  expiresAt: number;
}
