import { IsGivenPassword, IsPassword } from '../../passwords/is-password.decorator';

export class ChangePasswordDto {
  /**
   * The password in use now.
   * @example 'correct horse battery staple'
   */
  @IsGivenPassword()
  currentPassword: string;

  /**
   * 8 to 128 characters after NFKC, not a common password, not containing the email's local part; every session ends once it is set.
   * @example 'a new and longer passphrase'
   */
  @IsPassword()
  newPassword: string;
}
