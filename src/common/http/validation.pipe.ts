import { ValidationPipe } from '@nestjs/common';
import { ValidationProblemException } from './validation-problem.exception';

/** Rejects unknown fields and wrong types, and reports every failed field at once. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
