import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { normaliseEmail, trim } from '../../common/http/transforms';
import { IsPassword } from './is-password.decorator';

export class RegisterDto {
  /** Trimmed and lower-cased before it is stored. */
  @Transform(normaliseEmail)
  @IsEmail()
  @MaxLength(320)
  @IsString()
  email: string;

  /** 8 to 128 characters; every character counts. */
  @IsPassword()
  password: string;

  /** The name shown for the user, 1 to 100 characters. */
  @IsOptional()
  @Transform(trim)
  @Length(1, 100)
  @IsString()
  displayName?: string;
}
