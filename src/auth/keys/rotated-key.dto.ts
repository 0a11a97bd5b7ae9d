export class RotatedKeyDto {
  /** The id of the new signing key, as it appears in token headers and the JWKS. */
  kid: string;
}
