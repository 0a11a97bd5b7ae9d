import { Role } from '../../common/role';
import type { AuthMethod } from '../tokens/auth-method';

/** Who is calling, as the verified access token says. */
export interface AuthUser {
  /** The user id (`sub`). */
  id: string;
  /** The session the token was issued in (`sid`). */
  sessionId: string;
  /** The token's own id (`jti`). */
  tokenId: string;
  roles: Role[];
  /** How the user signed in to the session (`amr`). */
  amr: AuthMethod[];
  /** When the token expires, in seconds since the epoch (`exp`). */
  expiresAt: number;
}
