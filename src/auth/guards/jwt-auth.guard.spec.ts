import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import { JsonWebTokenError, TokenExpiredError } from 'jsonwebtoken';
import { Auth } from '../decorators/auth.decorator';
import { Public } from '../decorators/public.decorator';
import { INVALID_ACCESS_TOKEN, JwtAuthGuard } from './jwt-auth.guard';

class MixedController {
  @Public()
  open(): void {}

  @Auth()
  closed(): void {}
}

@Public()
class PublicController {
  anything(): void {}
}

function contextFor(
  controller: new () => object,
  handler: string,
  request: object = { headers: {} },
): ExecutionContext {
  return {
    getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}), getNext: () => undefined }),
  } as unknown as ExecutionContext;
}

describe('JwtAuthGuard', () => {
  let guard: JwtAuthGuard;
  let passportCanActivate: jest.SpyInstance;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [JwtAuthGuard, Reflector] }).compile();
    guard = moduleRef.get(JwtAuthGuard);
    passportCanActivate = jest.spyOn(AuthGuard('jwt').prototype, 'canActivate').mockResolvedValue(true);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('canActivate', () => {
    it('should let a @Public() handler through without a token or passport', async () => {
      await expect(Promise.resolve(guard.canActivate(contextFor(MixedController, 'open')))).resolves.toBe(true);
      expect(passportCanActivate).not.toHaveBeenCalled();
    });

    it('should let every handler of a @Public() controller through', async () => {
      await expect(Promise.resolve(guard.canActivate(contextFor(PublicController, 'anything')))).resolves.toBe(true);
      expect(passportCanActivate).not.toHaveBeenCalled();
    });

    it('should hand any other handler to passport', async () => {
      const context = contextFor(MixedController, 'closed');

      await expect(Promise.resolve(guard.canActivate(context))).resolves.toBe(true);
      expect(passportCanActivate).toHaveBeenCalledWith(context);
    });

    it('should fail a protected handler when passport refuses', async () => {
      passportCanActivate.mockRejectedValue(new UnauthorizedException(INVALID_ACCESS_TOKEN));

      await expect(Promise.resolve(guard.canActivate(contextFor(MixedController, 'closed')))).rejects.toThrow(
        UnauthorizedException,
      );
    });
  });

  describe('handleRequest', () => {
    const user = { id: 'user-1' };

    it('should return the user when there is no error', () => {
      expect(guard.handleRequest(null, user)).toBe(user);
    });

    it.each([
      ['no error and no user', null, false],
      ['no error and an undefined user', undefined, undefined],
      ['an expired token', new TokenExpiredError('jwt expired', new Date(0)), false],
      ['a bad signature', new JsonWebTokenError('invalid signature'), false],
      ['a key lookup failure', new Error('no key'), false],
      ['an error with a user', new UnauthorizedException('something specific'), user],
    ])('should throw the same 401 for %s', (_label, error, candidate) => {
      let thrown: unknown;
      try {
        guard.handleRequest(error, candidate as typeof user | false);
      } catch (caught) {
        thrown = caught;
      }

      expect(thrown).toBeInstanceOf(UnauthorizedException);
      expect((thrown as UnauthorizedException).getResponse()).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: INVALID_ACCESS_TOKEN,
      });
    });
  });
});
