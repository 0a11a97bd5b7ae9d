import { IsString, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { IsRecoveryCode, IsTotpCode } from './totp-code.decorator';

/** Refuses the field when `other` is given too: a verify carries one second factor. */
function NotWith(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'notWith',
    validator: {
      validate: (_value, args) => (args?.object as Record<string, unknown>)[other] === undefined,
      defaultMessage: (args) => `give either ${args?.property} or ${other}, not both`,
    },
  });
}

export class VerifyMfaDto {
  /**
   * The `mfaToken` of the login's answer.
   * @example 'hU8g2k3x4Vb9Qp0rT7yWm1Zs5Ln6Jc8Dd2Ee4Ff6Gg0'
   */
  @MaxLength(128)
  @IsString()
  mfaToken: string;

  /**
   * The current 6-digit code of the authenticator app; or send `recoveryCode` instead.
   * @example "492039"
   */
  @ValidateIf((body: VerifyMfaDto) => body.code !== undefined || body.recoveryCode === undefined)
  @NotWith('recoveryCode')
  @IsTotpCode()
  code?: string;

  /**
   * One of the recovery codes, instead of `code`; it is used up.
   * @example "1a2b3-c4d5e-6f7a8-b9c0d"
   */
  @ValidateIf((body: VerifyMfaDto) => body.recoveryCode !== undefined || body.code === undefined)
  @NotWith('code')
  @IsRecoveryCode()
  recoveryCode?: string;
}
