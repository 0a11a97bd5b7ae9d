import { Role } from '../../common/role';
import { AUTH_METHODS, AuthMethod } from './auth-method';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
const ACCEPTED_TYPES = new Set([ACCESS_TOKEN_TYPE, 'application/at+jwt']);
const ALLOWED_HEADER_MEMBERS = new Set(['alg', 'kid', 'typ']);
const ROLES = new Set<string>(Object.values(Role));

/** The claims every access token carries, all required. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  sid: string;
  /** RFC 9068: the client the token was issued to. */
  client_id: string;
  roles: Role[];
  /** RFC 8176: how the user signed in to the session, e.g. `["pwd"]` or `["pwd", "otp"]`. */
  amr: AuthMethod[];
}

/** What a verified payload must also satisfy: the checks jsonwebtoken does not make. */
export interface ClaimRules {
  /** The longest `exp - iat` we issue. */
  maxLifetimeSeconds: number;
  clientId: string;
  /** Now plus the clock tolerance: a token issued later comes from the future, and is refused like a bad signature. */
  latestIssuedAt: number;
}

/**
 * Reads the protected header of a compact JWS and returns its `kid` when the header is one we issue:
 * the pinned algorithm, an access-token `typ`, a `kid`, and nothing else — so `jku`, `x5u`, `jwk`, `x5c`
 * and `crit` are refused before any key is looked at.
 */
export function kidFromAcceptableHeader(token: string, algorithm: string): string | null {
  const headerEnd = token.indexOf('.');
  if (headerEnd <= 0) {
    return null;
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, headerEnd), 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return null;
  }
  const { alg, typ, kid } = header as Record<string, unknown>;
  const onlyKnownMembers = Object.keys(header).every((member) => ALLOWED_HEADER_MEMBERS.has(member));
  const typeAccepted = typeof typ === 'string' && ACCEPTED_TYPES.has(typ.toLowerCase());
  return onlyKnownMembers && alg === algorithm && typeAccepted && typeof kid === 'string' ? kid : null;
}

/**
 * True when a verified payload has every claim, of the right type, our `client_id`, an `iat` not in the future and a
 * lifetime no longer than we issue.
 */
export function hasRequiredClaims(payload: unknown, rules: ClaimRules): payload is AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null) {
    return false;
  }
  const claims = payload as Partial<Record<keyof AccessTokenClaims, unknown>>;
  return (
    isNonEmptyString(claims.sub) &&
    isNonEmptyString(claims.sid) &&
    isNonEmptyString(claims.jti) &&
    isNonEmptyString(claims.iss) &&
    isNonEmptyString(claims.aud) &&
    claims.client_id === rules.clientId &&
    Number.isInteger(claims.iat) &&
    (claims.iat as number) <= rules.latestIssuedAt &&
    Number.isInteger(claims.nbf) &&
    Number.isInteger(claims.exp) &&
    (claims.exp as number) - (claims.iat as number) <= rules.maxLifetimeSeconds &&
    Array.isArray(claims.roles) &&
    claims.roles.length > 0 &&
    claims.roles.every((role) => ROLES.has(role as string)) &&
    Array.isArray(claims.amr) &&
    claims.amr.length > 0 &&
    claims.amr.every((method) => AUTH_METHODS.has(method as string))
  );
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
