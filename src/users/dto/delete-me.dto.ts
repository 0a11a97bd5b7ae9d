import { IsString, MaxLength } from 'class-validator';

export class DeleteMeDto {
  /** The current password, asked again before the account is deleted. */
  @MaxLength(128)
  @IsString()
  password: string;
}
