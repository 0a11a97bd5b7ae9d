import { Transform, TransformFnParams } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { looksLikeRefreshToken } from '../sessions/refresh-token-value';

/**
 * Whatever is sent as a refresh token (an access token, a number, null, 10 000 characters, a NUL) gets the 401 of
 * every failed refresh, so a client learns nothing from the shape of its answer: a value that cannot be one of our
 * tokens becomes one that matches none. Only a missing field stays a 400.
 */
function anyPresentedValue({ value }: TransformFnParams): unknown {
  return value === undefined || (typeof value === 'string' && looksLikeRefreshToken(value)) ? value : '';
}

export class RefreshDto {
  /**
   * The refresh token from the last token response; it stops working once exchanged.
   * @example 'b7Qm2Xk9Lp4Rz8Vt1Nw6Hy3Jc0Fs5Dg7Ae2Ku9Oi4Px'
   */
  @Transform(anyPresentedValue)
  @MaxLength(256)
  @IsString()
  refreshToken: string;
}
