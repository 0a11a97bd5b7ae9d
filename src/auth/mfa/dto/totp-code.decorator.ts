import { applyDecorators } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';
import { RECOVERY_CODE_PATTERN } from '../recovery-codes';
import { TOTP_CODE_PATTERN } from '../totp';

/** A 6-digit code from the authenticator app. */
export function IsTotpCode(): PropertyDecorator {
  return applyDecorators(IsString(), Matches(TOTP_CODE_PATTERN, { message: 'code must be 6 digits' }));
}

/** A recovery code as shown (four groups of five hex digits; case and dashes do not matter). */
export function IsRecoveryCode(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(RECOVERY_CODE_PATTERN, {
      message: 'recoveryCode must be a recovery code as shown, e.g. 1a2b3-c4d5e-6f7a8-b9c0d',
    }),
  );
}
