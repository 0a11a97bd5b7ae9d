import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationProblemException } from './validation-problem.exception';

/** Validates an `:id` route parameter as a UUID, answering a 400 that names the field. */
export const UUID_PARAM = new ParseUUIDPipe({
  exceptionFactory: () => new ValidationProblemException([{ field: 'id', message: 'id must be a UUID' }]),
});
