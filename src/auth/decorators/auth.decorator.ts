import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Role } from '../../common/role';
import { ProblemDto } from '../../common/problem.dto';
import { Roles } from './roles.decorator';

export const AUTH_DECLARED_KEY = 'auth:declared';
export const BEARER_SCHEME = 'bearer';

/**
 * Declares that a route needs a valid access token (and, when given, one of the roles),
 * and documents the bearer scheme and the 401/403 answers in the OpenAPI document.
 */
export function Auth(...roles: Role[]): MethodDecorator & ClassDecorator {
  const decorators = [
    SetMetadata(AUTH_DECLARED_KEY, true),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({
      description: 'The access token is missing, invalid, expired or revoked.',
      type: ProblemDto,
    }),
  ];
  if (roles.length > 0) {
    decorators.push(
      Roles(...roles),
      ApiForbiddenResponse({ description: `Needs the role ${roles.join(' or ')}.`, type: ProblemDto }),
    );
  }
  return applyDecorators(...decorators);
}
