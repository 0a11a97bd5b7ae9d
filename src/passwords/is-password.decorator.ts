import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, ValidateBy, ValidationArguments } from 'class-validator';
import {
  hasAllowedLength,
  PASSWORD_LENGTH_PROBLEM,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordLength,
} from './password-policy';

// NFKC turns at most a few units into one (a base letter and its marks, Hangul jamo): a longer input cannot fit.
const RAW_MAX_LENGTH = 4 * PASSWORD_MAX_LENGTH;

/** A new password: 8 to 128 characters after NFKC normalisation, hashed whole (nothing is truncated). */
export function IsPassword(): PropertyDecorator {
  return applyDecorators(
    // The Swagger plugin cannot see through this decorator, so the limits are documented here.
    ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }),
    IsString(),
    ValidateBy({
      name: 'isPassword',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length <= RAW_MAX_LENGTH && hasAllowedLength(value),
        defaultMessage: ({ property }: ValidationArguments) => `${property} ${PASSWORD_LENGTH_PROBLEM}`,
      },
    }),
  );
}

/** A password given to prove who the caller is: at most 128 characters after NFKC, as every stored one is. */
export function IsGivenPassword(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ maxLength: PASSWORD_MAX_LENGTH }),
    IsString(),
    ValidateBy({
      name: 'isGivenPassword',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length <= RAW_MAX_LENGTH && passwordLength(value) <= PASSWORD_MAX_LENGTH,
        defaultMessage: ({ property }: ValidationArguments) =>
          `${property} must be at most ${PASSWORD_MAX_LENGTH} characters`,
      },
    }),
  );
}
