import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { normaliseEmail, trim } from '../../common/http/transforms';
import { IsPassword } from '../../passwords/is-password.decorator';

export class RegisterDto {
  /**
   * Trimmed and lower-cased before it is stored.
   * @example 'ada@example.org'
   */
  @Transform(normaliseEmail)
  @IsEmail()
  @MaxLength(320)
  @IsString()
  email: string;

  /**
   * 8 to 128 characters after NFKC, every one counting; not a common password, not containing the email's local part.
   * @example 'correct horse battery staple'
   */
  @IsPassword()
  password: string;

  /**
   * The name shown for the user, 1 to 100 characters.
   * @example 'Ada Lovelace'
   */
  @IsOptional()
  @Transform(trim)
  @Length(1, 100)
  @IsString()
  displayName?: string;
}
