import { IsString, MaxLength } from 'class-validator';

export class DeleteMeDto {
  /** The current password, asked again before the account is deleted. */
  @IsString()
  @MaxLength(128)
  password: string;
}
