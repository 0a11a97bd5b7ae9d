import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import { ValidationProblemException } from './validation-problem.exception';

/**
 * Routes that declare a `@Query()` DTO reject unknown parameters through validation; this rejects query
 * parameters on every other route, so that a token or anything else in the URL is refused, not ignored.
 *
 * A guard rather than an interceptor: any global interceptor puts an RxJS pipeline on every request, which the
 * profile of the auth path showed as a measurable share of its cost. It must run after the authentication guards
 * (a token in the URL of an unauthenticated request is a 401), so it is registered after them: see QueryPolicyModule.
 */
@Injectable()
export class RejectUnknownQueryGuard implements CanActivate {
  private readonly acceptsQuery = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): true {
    const query = context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
    const names = query ? Object.keys(query) : [];
    if (names.length > 0 && !this.handlerAcceptsQuery(context)) {
      throw new ValidationProblemException(
        names.map((field) => ({ field, message: `query parameter ${field} is not accepted here` })),
      );
    }
    return true;
  }

  private handlerAcceptsQuery(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let accepts = this.acceptsQuery.get(handler);
    if (accepts === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as object;
      accepts = Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.QUERY}:`));
      this.acceptsQuery.set(handler, accepts);
    }
    return accepts;
  }
}
