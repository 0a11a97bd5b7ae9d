import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { normaliseEmail } from '../../common/http/transforms';

export class LoginDto {
  /** Compared trimmed and lower-cased. */
  @Transform(normaliseEmail)
  @IsString()
  @MaxLength(320)
  email: string;

  @IsString()
  @MaxLength(128)
  password: string;
}
