import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { normaliseEmail } from '../../common/http/transforms';
import { IsGivenPassword } from '../../passwords/is-password.decorator';

export class LoginDto {
  /**
   * Compared trimmed and lower-cased.
   * @example 'ada@example.org'
   */
  @Transform(normaliseEmail)
  @MaxLength(320)
  @IsString()
  email: string;

  /** @example 'correct horse battery staple' */
  @IsGivenPassword()
  password: string;

  /**
   * The `deviceToken` of an earlier successful login to this account from this client, if it has one.
   * @example 'Zk4r9Tq2Lm7Xw1Vb8Nc3Hs6Jd0Pf5Ga2Ye9Ru4Io7Ux'
   */
  @IsOptional()
  @MaxLength(128)
  @IsString()
  deviceToken?: string;
}
