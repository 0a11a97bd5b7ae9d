import { IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  /** The refresh token from the last token response; it stops working once exchanged. */
  @IsString()
  @MaxLength(256)
  refreshToken: string;
}
