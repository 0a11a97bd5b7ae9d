import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { normaliseEmail } from '../../common/http/transforms';
import { IsGivenPassword } from '../../passwords/is-password.decorator';

export class LoginDto {
  /** Compared trimmed and lower-cased. */
  @Transform(normaliseEmail)
  @MaxLength(320)
  @IsString()
  email: string;

  @IsGivenPassword()
  password: string;

  /** The `deviceToken` of an earlier successful login to this account from this client, if it has one. */
  @IsOptional()
  @MaxLength(128)
  @IsString()
  deviceToken?: string;
}
