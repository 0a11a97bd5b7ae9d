import { IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  /** The refresh token from the last token response; it stops working once exchanged. */
  @MaxLength(256)
  @IsString()
  refreshToken: string;
}
