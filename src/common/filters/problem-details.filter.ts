import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem, PROBLEM_CONTENT_TYPE, problem } from '../problem';
import { RetryLaterException } from '../http/retry-later.exception';
import { TypedProblemException } from '../http/typed-problem.exception';
import { ValidationProblemException } from '../http/validation-problem.exception';

/** Errors that Fastify raises itself before a handler runs (malformed JSON or URLs, oversized or unsupported bodies). */
interface FastifyClientError {
  code: string;
  statusCode: number;
  message: string;
}

const CLIENT_ERROR_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but declared as JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than 100 KiB.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body must be application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
  FST_ERR_BAD_URL: 'The URL is malformed.',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is too long.',
};

/** The answer to a path no route serves; it never echoes the path back. */
export const NO_ROUTE_MATCHES = 'No route matches this method and path.';

/** Turns every error into application/problem+json; unknown errors are logged and answered with a bare 500. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    if (error instanceof RetryLaterException) {
      void http.getResponse<FastifyReply>().header('Retry-After', String(error.retryAfterSeconds));
    }
    sendProblem(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      this.toProblem(error, http.getRequest<FastifyRequest>()),
    );
  }

  toProblem(error: unknown, request: FastifyRequest): Problem {
    // Nest wraps Fastify's own client errors in an HttpException carrying Fastify's wording; we use ours.
    const fastifyProblem = fastifyClientProblem(error instanceof HttpException ? error.cause : error);
    if (fastifyProblem) {
      return fastifyProblem;
    }
    if (error instanceof ValidationProblemException) {
      return problem(HttpStatus.BAD_REQUEST, error.message, error.errors);
    }
    if (error instanceof NotFoundException && !request.routeOptions?.url) {
      // Nest's own wording would echo the path back; an unknown route gets a fixed sentence.
      return problem(HttpStatus.NOT_FOUND, NO_ROUTE_MATCHES);
    }
    if (error instanceof TypedProblemException) {
      return { ...problem(error.getStatus(), detailOf(error)), type: error.problemType };
    }
    if (error instanceof HttpException) {
      return problem(error.getStatus(), detailOf(error));
    }
    this.logger.error(
      `Unhandled error in ${request.method} ${request.routeOptions?.url ?? '?'} [request ${request.id}]`,
      (error as Error)?.stack ?? String(error),
    );
    return problem(HttpStatus.INTERNAL_SERVER_ERROR);
  }
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, body: Problem): void {
  if (body.status === Number(HttpStatus.UNAUTHORIZED)) {
    const tokenSent = typeof request.headers.authorization === 'string';
    void reply.header('WWW-Authenticate', tokenSent ? 'Bearer error="invalid_token"' : 'Bearer');
  }
  // An error is about one request at one moment: no cache, shared or private, should keep it.
  void reply
    .status(body.status)
    .header('Content-Type', PROBLEM_CONTENT_TYPE)
    .header('Cache-Control', 'no-store')
    .send(JSON.stringify(body));
}

/** The problem for an error Fastify raised about the request, in our words; null for any other error. */
export function fastifyClientProblem(error: unknown): Problem | null {
  return isFastifyClientError(error)
    ? problem(error.statusCode, CLIENT_ERROR_DETAILS[error.code] ?? 'The request could not be read.')
    : null;
}

function detailOf(error: HttpException): string | undefined {
  const response = error.getResponse();
  if (typeof response === 'string') {
    return response;
  }
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') {
    return message;
  }
  return Array.isArray(message) ? message.join('; ') : undefined;
}

function isFastifyClientError(error: unknown): error is FastifyClientError {
  const candidate = error as Partial<FastifyClientError> | null;
  return (
    typeof candidate?.code === 'string' &&
    candidate.code.startsWith('FST_') &&
    typeof candidate.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500
  );
}
