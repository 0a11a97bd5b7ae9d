import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '../../common/role';
import type { AuthUser } from '../decorators/auth-user';
import { ROLES_KEY } from '../decorators/roles.decorator';

/** Global, after the JwtAuthGuard: a route marked `@Roles(...)` needs one of those roles in the token. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required || required.length === 0) {
      return true;
    }
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user?.roles.some((role) => required.includes(role))) {
      throw new ForbiddenException(`This needs the role ${required.join(' or ')}.`);
    }
    return true;
  }
}
