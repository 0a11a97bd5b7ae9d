import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { trim } from '../../common/http/transforms';

export class UpdateMeDto {
  /**
   * The name shown for the user, 1 to 100 characters.
   * @example 'Ada Lovelace'
   */
  @Transform(trim)
  @Length(1, 100)
  @IsString()
  displayName: string;
}
