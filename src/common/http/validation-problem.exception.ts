import { BadRequestException, ValidationError } from '@nestjs/common';
import { FieldProblem } from '../problem';

/** A 400 that lists every field that failed validation. */
export class ValidationProblemException extends BadRequestException {
  constructor(readonly errors: FieldProblem[]) {
    super('The request has invalid fields.');
  }

  static fromValidationErrors(validationErrors: ValidationError[]): ValidationProblemException {
    return new ValidationProblemException(flatten(validationErrors, ''));
  }
}

function flatten(validationErrors: ValidationError[], prefix: string): FieldProblem[] {
  return validationErrors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
