import { ApiProperty } from '@nestjs/swagger';
export class TokenResponseDto {
  /** Always `Bearer`. */
  tokenType: 'Bearer';
  /** A JWS to send as `Authorization: Bearer <accessToken>`. */
  accessToken: string;
  /** Seconds until the access token expires. */
  @ApiProperty({ type: 'integer' })
  expiresIn: number;
  /** Opaque; exchange it at `/auth/refresh` for new tokens. Single use. */
  refreshToken: string;
  /** Seconds until the refresh token can no longer be used. */
  @ApiProperty({ type: 'integer' })
  refreshExpiresIn: number;
  /**
   * Login only: proof that this client signed in to the account. Keep it and send it with later logins (as
   * `deviceToken`): failures from other clients then never hold this client back. Opaque, long-lived.
   */
  deviceToken?: string;
}
