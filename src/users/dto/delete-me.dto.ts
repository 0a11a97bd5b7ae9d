import { IsGivenPassword } from '../../passwords/is-password.decorator';

export class DeleteMeDto {
  /**
   * The current password, asked again before the account is deleted.
   * @example 'correct horse battery staple'
   */
  @IsGivenPassword()
  password: string;
}
