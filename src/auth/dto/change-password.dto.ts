import { IsString, MaxLength } from 'class-validator';
import { IsPassword } from './is-password.decorator';

export class ChangePasswordDto {
  /** The password in use now. */
  @MaxLength(128)
  @IsString()
  currentPassword: string;

  /** 8 to 128 characters; every session ends once it is set. */
  @IsPassword()
  newPassword: string;
}
