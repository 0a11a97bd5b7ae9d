import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { ValidationProblemException } from './validation-problem.exception';

/**
 * Routes that declare a `@Query()` DTO reject unknown parameters through validation; this rejects query
 * parameters on every other route, so that a token or anything else in the URL is refused, not ignored.
 */
@Injectable()
export class RejectUnknownQueryInterceptor implements NestInterceptor {
  private readonly acceptsQuery = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const query = context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
    const names = query ? Object.keys(query) : [];
    if (names.length > 0 && !this.handlerAcceptsQuery(context)) {
      throw new ValidationProblemException(
        names.map((field) => ({ field, message: `query parameter ${field} is not accepted here` })),
      );
    }
    return next.handle();
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
