export class TokenResponseDto {
  /** Always `Bearer`. */
  tokenType: 'Bearer';
  /** A JWS to send as `Authorization: Bearer <accessToken>`. */
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Opaque; exchange it at `/auth/refresh` for new tokens. Single use. */
  refreshToken: string;
  /** Seconds until the refresh token can no longer be used. */
  refreshExpiresIn: number;
}
