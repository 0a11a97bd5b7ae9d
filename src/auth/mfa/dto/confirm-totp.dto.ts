import { IsTotpCode } from './totp-code.decorator';

export class ConfirmTotpDto {
  /**
   * The current 6-digit code of the secret from `/auth/mfa/totp/setup`.
   * @example "492039"
   */
  @IsTotpCode()
  code: string;
}
