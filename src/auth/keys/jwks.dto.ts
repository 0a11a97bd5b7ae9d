export class JwkDto {
  /** The key id, matching the `kid` in access token headers. */
  kid: string;
  /** `RSA` or `EC`. */
  kty: string;
  /** `RS256`, `PS256` or `ES256`. */
  alg: string;
  /** Always `sig`. */
  use: string;
  /** RSA keys: the modulus, base64url. */
  n?: string;
  /** RSA keys: the public exponent, base64url. */
  e?: string;
  /** EC keys: the curve, `P-256`. */
  crv?: string;
  /** EC keys: the x coordinate, base64url. */
  x?: string;
  /** EC keys: the y coordinate, base64url. */
  y?: string;
}

export class JwksDto {
  keys: JwkDto[];
}
