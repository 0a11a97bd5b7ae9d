import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ProblemDto } from '../problem.dto';

export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed, has invalid fields or unknown query parameters; `errors` lists them.',
  403: 'The password given is wrong.',
  404: 'Nothing has this id.',
  409: 'The change conflicts with the current state.',
  413: 'The body is larger than 100 KiB.',
  415: 'The body is not JSON.',
  429: 'Too many attempts; retry after the `Retry-After` seconds.',
  503: 'Every password-hash worker is busy and the queue is full; retry after the `Retry-After` seconds.',
};

/**
 * Documents the problem+json answers a route can give besides 401/403 (which `@Auth()` documents); the media type,
 * the headers and the 400/413/415 every route shares are added by applyOpenApiConventions.
 */
export function ApiProblems(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: PROBLEM_DESCRIPTIONS[status], type: ProblemDto })),
  );
}
