import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { normaliseEmail } from '../../common/http/transforms';

export class EmailAddressDto {
  /**
   * Compared trimmed and lower-cased.
   * @example "ada@example.org"
   */
  @Transform(normaliseEmail)
  @IsEmail()
  @MaxLength(320)
  @IsString()
  email: string;
}
