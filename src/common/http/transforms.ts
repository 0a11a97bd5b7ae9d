import { TransformFnParams } from 'class-transformer';

/** Trims strings and leaves every other value for the validators to reject. */
export function trim({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

/** Turns a query string such as `"2"` into 2; anything that is not a plain integer stays as it is and fails `@IsInt`. */
export function toInteger({ value }: TransformFnParams): unknown {
  return typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : value;
}

export function normaliseEmail({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}
