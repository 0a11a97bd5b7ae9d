import { SetMetadata } from '@nestjs/common';
import { Role } from '../../common/role';

export const ROLES_KEY = 'auth:roles';

/** Narrows a route to callers whose token carries one of these roles. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
