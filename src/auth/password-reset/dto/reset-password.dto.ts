import { IsString, MaxLength } from 'class-validator';
import { IsPassword } from '../../../passwords/is-password.decorator';

export class ResetPasswordDto {
  /**
   * The token from the mailed link's fragment (`#token=…`).
   * @example "q3N0ZcQ1mX8yT2b7wJfKp9LrVs4uHd6eGa0iBk5oYnE"
   */
  @MaxLength(128)
  @IsString()
  token: string;

  /**
   * The new password, 8 to 128 characters.
   * @example "correct horse battery staple"
   */
  @IsPassword()
  newPassword: string;
}
