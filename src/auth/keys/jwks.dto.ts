export class JwkDto {
  /** The key id, matching the `kid` in access token headers. */
  kid: string;
  /** `RSA` or `EC`. */
  kty: string;
  /** `RS256`, `PS256` or `ES256`. */
  alg: string;
  /** Always `sig`. */
  use: string;
}

export class JwksDto {
  keys: JwkDto[];
}
