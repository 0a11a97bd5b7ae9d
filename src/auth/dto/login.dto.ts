import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { normaliseEmail } from '../../common/http/transforms';

export class LoginDto {
  /** Compared trimmed and lower-cased. */
  @Transform(normaliseEmail)
  @MaxLength(320)
  @IsString()
  email: string;

  @MaxLength(128)
  @IsString()
  password: string;
}
