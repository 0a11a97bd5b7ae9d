import { ApiProperty } from '@nestjs/swagger';
/** A login's answer when the right password is not enough: the second factor goes to `/auth/mfa/verify`. */
export class MfaRequiredResponseDto {
  /** Always `true`. */
  mfaRequired: true;
  /**
   * Opaque; send it with a code to `/auth/mfa/verify`. Good for 5 tries and accepted by no other route.
   * @example "hU8g2k3x4Vb9Qp0rT7yWm1Zs5Ln6Jc8Dd2Ee4Ff6Gg0"
   */
  mfaToken: string;
  /**
   * Seconds until the mfaToken expires.
   * @example 300
   */
  @ApiProperty({ type: 'integer' })
  expiresIn: number;
}
