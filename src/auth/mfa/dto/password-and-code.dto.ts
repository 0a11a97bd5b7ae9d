import { IsString, Matches } from 'class-validator';
import { IsGivenPassword } from '../../../passwords/is-password.decorator';
import { RECOVERY_CODE_PATTERN } from '../recovery-codes';
import { TOTP_CODE_PATTERN } from '../totp';

const TOTP_OR_RECOVERY_CODE = new RegExp(`${TOTP_CODE_PATTERN.source}|${RECOVERY_CODE_PATTERN.source}`, 'i');

/** Asked again before two-factor is turned off or the recovery codes are renewed. */
export class PasswordAndCodeDto {
  /**
   * The account's current password.
   * @example 'correct horse battery staple'
   */
  @IsGivenPassword()
  password: string;

  /**
   * A current 6-digit code, or one of the recovery codes (which is then used up) when the authenticator is lost.
   * @example "492039"
   */
  @Matches(TOTP_OR_RECOVERY_CODE, { message: 'code must be 6 digits or a recovery code' })
  @IsString()
  code: string;
}
