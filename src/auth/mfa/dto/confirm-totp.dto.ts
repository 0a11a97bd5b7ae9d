import { IsGivenPassword } from '../../../passwords/is-password.decorator';
import { IsTotpCode } from './totp-code.decorator';

export class ConfirmTotpDto {
  /**
   * The account's current password: an access token alone must not be able to bind an authenticator to the account.
   * @example "correct horse battery staple"
   */
  @IsGivenPassword()
  password: string;

  /**
   * The current 6-digit code of the secret from `/auth/mfa/totp/setup`.
   * @example "492039"
   */
  @IsTotpCode()
  code: string;
}
