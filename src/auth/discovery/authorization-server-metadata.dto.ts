import type { AppConfig } from '../../config/app-config';

/**
 * RFC 8414 metadata, limited to what is true of Bastion: it issues JWT access tokens and publishes their keys, but it
 * is not an OAuth 2.0 authorization server (no authorization, token, revocation or introspection endpoint), so the
 * lists of OAuth flows are empty rather than left to defaults that would claim some.
 */
export class AuthorizationServerMetadataDto {
  /**
   * Exactly the `iss` of every access token (JWT_ISSUER).
   * @example "https://auth.example.org"
   */
  issuer: string;
  /**
   * The JWK set of the keys that verify access tokens: the issuer with `/.well-known/jwks.json` appended.
   * @example "https://auth.example.org/.well-known/jwks.json"
   */
  jwks_uri: string;
  /**
   * Always empty: Bastion has no authorization endpoint (RFC 8414 requires the member).
   * @example []
   */
  response_types_supported: string[];
  /**
   * Always empty: tokens come from Bastion's own login, not from an OAuth grant (omitted, RFC 8414 would imply
   * `authorization_code` and `implicit`).
   * @example []
   */
  grant_types_supported: string[];
  /**
   * Always empty: there is no OAuth token endpoint (omitted, RFC 8414 would imply `client_secret_basic`).
   * @example []
   */
  token_endpoint_auth_methods_supported: string[];
  /**
   * Always `public`: `sub` is the user id, the same for every service (OpenID Connect Discovery requires the member).
   * @example ["public"]
   */
  subject_types_supported: string[];
  /**
   * The algorithm that signs access tokens (JWT_ALGORITHM). Bastion issues no ID tokens: the member is here because
   * resource-server libraries read it to pin the algorithm they accept.
   * @example ["RS256"]
   */
  id_token_signing_alg_values_supported: string[];
}

export function toAuthorizationServerMetadata(jwt: AppConfig['jwt']): AuthorizationServerMetadataDto {
  return {
    issuer: jwt.issuer,
    jwks_uri: `${jwt.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    response_types_supported: [],
    grant_types_supported: [],
    token_endpoint_auth_methods_supported: [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [jwt.algorithm],
  };
}
