import { ExecutionContext, ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Role } from '../../common/role';
import type { AuthUser } from '../decorators/auth-user';
import { Roles } from '../decorators/roles.decorator';
import { RolesGuard } from './roles.guard';
import { AuthMethod } from '../tokens/auth-method';

class UsersLikeController {
  anyone(): void {}

  @Roles(Role.Admin)
  adminOnly(): void {}

  @Roles(Role.Admin, Role.User)
  eitherRole(): void {}

  @Roles()
  emptyRoles(): void {}
}

@Roles(Role.Admin)
class AdminController {
  inherited(): void {}

  @Roles(Role.User)
  narrowedToUser(): void {}
}

function caller(...roles: Role[]): AuthUser {
  return {
    id: 'user-1',
    sessionId: 'session-1',
    tokenId: 'token-1',
    roles,
    amr: [AuthMethod.Password],
    expiresAt: 1_800_000_900,
  };
}

function contextFor(controller: new () => object, handler: string, user?: AuthUser): ExecutionContext {
  return {
    getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => ({ user }) }),
  } as unknown as ExecutionContext;
}

describe('RolesGuard', () => {
  let guard: RolesGuard;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [RolesGuard, Reflector] }).compile();
    guard = moduleRef.get(RolesGuard);
  });

  it('should allow a handler without roles metadata', () => {
    expect(guard.canActivate(contextFor(UsersLikeController, 'anyone', caller(Role.User)))).toBe(true);
  });

  it('should allow a handler without roles metadata even with no caller', () => {
    expect(guard.canActivate(contextFor(UsersLikeController, 'anyone'))).toBe(true);
  });

  it('should allow a handler with an empty roles list', () => {
    expect(guard.canActivate(contextFor(UsersLikeController, 'emptyRoles', caller()))).toBe(true);
  });

  it('should allow a caller with the required role', () => {
    expect(guard.canActivate(contextFor(UsersLikeController, 'adminOnly', caller(Role.User, Role.Admin)))).toBe(true);
  });

  it('should allow a caller with one of several roles', () => {
    expect(guard.canActivate(contextFor(UsersLikeController, 'eitherRole', caller(Role.User)))).toBe(true);
  });

  it('should forbid a caller without the required role', () => {
    expect(() => guard.canActivate(contextFor(UsersLikeController, 'adminOnly', caller(Role.User)))).toThrow(
      new ForbiddenException('This needs the role admin.'),
    );
  });

  it('should forbid a caller without any role', () => {
    expect(() => guard.canActivate(contextFor(UsersLikeController, 'adminOnly', caller()))).toThrow(ForbiddenException);
  });

  it('should forbid when no caller is on the request', () => {
    expect(() => guard.canActivate(contextFor(UsersLikeController, 'adminOnly'))).toThrow(ForbiddenException);
  });

  it('should read roles from the controller class', () => {
    expect(() => guard.canActivate(contextFor(AdminController, 'inherited', caller(Role.User)))).toThrow(
      ForbiddenException,
    );
    expect(guard.canActivate(contextFor(AdminController, 'inherited', caller(Role.Admin)))).toBe(true);
  });

  it('should let the handler roles override the class roles', () => {
    expect(guard.canActivate(contextFor(AdminController, 'narrowedToUser', caller(Role.User)))).toBe(true);
  });
});
