import { IsString, MaxLength } from 'class-validator';

export class MailedTokenDto {
  /**
   * The token from the mailed link's fragment (`#token=…`).
   * @example "q3N0ZcQ1mX8yT2b7wJfKp9LrVs4uHd6eGa0iBk5oYnE"
   */
  @MaxLength(128)
  @IsString()
  token: string;
}
