import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { ValidationProblemException } from './validation-problem.exception';

/**
 * A NUL reaches PostgreSQL as an error and a lone UTF-16 surrogate cannot be encoded as UTF-8: no string field of
 * ours holds either, so both are refused here, for every DTO (bodies and queries) at once.
 */
const UNSAFE_STRING = /[\0\uD800-\uDFFF]/u;

/** Rejects unknown fields, wrong types and unencodable strings, and reports every failed field at once. */
class StrictValidationPipe extends ValidationPipe {
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    // First: validators such as IsEmail throw on a lone surrogate rather than fail.
    const unsafe = unsafeStringErrors(object);
    return unsafe.length > 0 ? unsafe : super.validate(object, options);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => ValidationProblemException.fromValidationErrors(errors),
  });
}

/** One error per field (nested fields as children) whose string, or a string inside it, is unsafe. */
function unsafeStringErrors(value: object): ValidationError[] {
  return Object.entries(value).flatMap(([property, field]): ValidationError[] => {
    if (typeof field === 'string') {
      return UNSAFE_STRING.test(field)
        ? [
            {
              property,
              children: [],
              constraints: { safeString: `${property} must not contain NUL characters or lone UTF-16 surrogates` },
            },
          ]
        : [];
    }
    const children = field !== null && typeof field === 'object' ? unsafeStringErrors(field as object) : [];
    return children.length > 0 ? [{ property, children }] : [];
  });
}
