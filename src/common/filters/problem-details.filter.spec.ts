import {
  ArgumentsHost,
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { ServiceBusyException } from '../http/service-busy.exception';
import { TooManyRequestsException } from '../http/too-many-requests.exception';
import { ValidationProblemException } from '../http/validation-problem.exception';
import { TypedProblemException } from '../http/typed-problem.exception';
import { ProblemDetailsFilter } from './problem-details.filter';

class FakeReply {
  statusCode?: number;
  headers: Record<string, string> = {};
  payload?: string;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  send(payload: string): this {
    this.payload = payload;
    return this;
  }

  get body(): unknown {
    return JSON.parse(this.payload ?? 'null') as unknown;
  }
}

interface FakeRequest {
  id: string;
  method: string;
  routeOptions: { url: string };
  headers: Record<string, string>;
}

function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('ProblemDetailsFilter', () => {
  let filter: ProblemDetailsFilter;
  let request: FakeRequest;
  let reply: FakeReply;
  let loggedErrors: jest.SpyInstance;

  const handle = (error: unknown): FakeReply => {
    const host = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    } as unknown as ArgumentsHost;
    filter.catch(error, host);
    return reply;
  };

  beforeEach(() => {
    filter = new ProblemDetailsFilter();
    request = { id: 'req-7f3a', method: 'GET', routeOptions: { url: '/api/v1/users/:id' }, headers: {} };
    reply = new FakeReply();
    loggedErrors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('an HttpException', () => {
    it('should become a problem titled after its status', () => {
      handle(new NotFoundException('No user has this id.'));

      expect(reply.statusCode).toBe(404);
      expect(reply.headers['content-type']).toBe('application/problem+json');
      expect(reply.body).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'No user has this id.',
      });
    });

    it.each([
      ['ConflictException', new ConflictException('The last admin cannot be demoted.'), 409, 'Conflict'],
      ['ForbiddenException', new ForbiddenException('The password is wrong.'), 403, 'Forbidden'],
      ['PayloadTooLargeException', new PayloadTooLargeException('Too big.'), 413, 'Payload Too Large'],
      ['429 HttpException', new HttpException('Slow down.', 429), 429, 'Too Many Requests'],
    ])('should map a %s to %p %s', (_name, error, status, title) => {
      handle(error);

      expect(reply.statusCode).toBe(status);
      expect(reply.body).toEqual({ type: 'about:blank', title, status, detail: error.message });
    });

    it('should join a list of messages into the detail', () => {
      handle(new BadRequestException(['email must be an email', 'password is too short']));

      expect(reply.body).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'email must be an email; password is too short',
      });
    });

    it('should carry the problem type of a typed problem', () => {
      handle(new TypedProblemException('email-not-verified', 403, 'Verify your email address first.'));

      expect(reply.body).toEqual({
        type: '/problems/email-not-verified',
        title: 'Forbidden',
        status: 403,
        detail: 'Verify your email address first.',
      });
    });

    it('should leave the detail out when the response has no message', () => {
      handle(new HttpException({ reason: 'internal' }, 409));

      expect(reply.body).toEqual({ type: 'about:blank', title: 'Conflict', status: 409 });
    });

    it('should not log a client error', () => {
      handle(new NotFoundException());

      expect(loggedErrors).not.toHaveBeenCalled();
    });
  });

  describe('a ValidationProblemException', () => {
    it('should list the field problems, nested fields dotted', () => {
      handle(
        ValidationProblemException.fromValidationErrors([
          {
            property: 'email',
            constraints: { isEmail: 'email must be an email', maxLength: 'email is too long' },
            children: [],
          },
          {
            property: 'address',
            children: [{ property: 'street', constraints: { isString: 'street must be a string' }, children: [] }],
          },
          {
            property: 'items',
            children: [
              {
                property: '0',
                children: [{ property: 'name', constraints: { isNotEmpty: 'name should not be empty' } }],
              },
            ],
          },
        ]),
      );

      expect(reply.statusCode).toBe(400);
      expect(reply.body).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request has invalid fields.',
        errors: [
          { field: 'email', message: 'email must be an email' },
          { field: 'email', message: 'email is too long' },
          { field: 'address.street', message: 'street must be a string' },
          { field: 'items.0.name', message: 'name should not be empty' },
        ],
      });
    });

    it('should carry errors given directly', () => {
      handle(
        new ValidationProblemException([{ field: 'token', message: 'query parameter token is not accepted here' }]),
      );

      expect(reply.body).toMatchObject({
        status: 400,
        errors: [{ field: 'token', message: 'query parameter token is not accepted here' }],
      });
    });
  });

  describe('an unknown error', () => {
    it('should become a bare 500 without detail', () => {
      handle(new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email'));

      expect(reply.statusCode).toBe(500);
      expect(reply.headers['content-type']).toBe('application/problem+json');
      expect(reply.body).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
      expect(reply.payload).not.toContain('SQLITE');
    });

    it('should be logged with the route, the request id and the stack', () => {
      const error = new TypeError("Cannot read properties of undefined (reading 'roles')");

      handle(error);

      expect(loggedErrors).toHaveBeenCalledTimes(1);
      expect(loggedErrors).toHaveBeenCalledWith(
        'Unhandled error in GET /api/v1/users/:id [request req-7f3a]',
        error.stack,
      );
    });

    it('should handle a thrown value that is not an Error', () => {
      handle('just a string');

      expect(reply.body).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
      expect(loggedErrors).toHaveBeenCalledWith(expect.stringContaining('[request req-7f3a]'), 'just a string');
    });

    it('should treat a Fastify-looking error with a 5xx status as unknown', () => {
      handle(fastifyError('FST_ERR_INTERNAL', 500, 'internals'));

      expect(reply.body).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
      expect(loggedErrors).toHaveBeenCalledTimes(1);
    });
  });

  describe('a Fastify client error', () => {
    it('should answer with our own wording when Nest wraps it in an HttpException', () => {
      const cause = fastifyError(
        'FST_ERR_CTP_INVALID_JSON_BODY',
        400,
        "Body is not valid JSON but content-type is set to 'application/json'",
      );

      handle(new BadRequestException('Unexpected token } in JSON at position 12', { cause }));

      expect(reply.statusCode).toBe(400);
      expect(reply.body).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request body is not valid JSON.',
      });
      expect(reply.payload).not.toContain('position');
      expect(loggedErrors).not.toHaveBeenCalled();
    });

    it.each([
      ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'The request body is larger than 100 KiB.'],
      ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'The request body must be application/json.'],
      ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'The request body is empty but declared as JSON.'],
      ['FST_ERR_SOMETHING_NEW', 400, 'The request could not be read.'],
    ])('should answer %s with %p and our wording', (code, status, detail) => {
      handle(fastifyError(code, status, 'library wording'));

      expect(reply.statusCode).toBe(status);
      expect(reply.body).toMatchObject({ status, detail });
      expect(reply.payload).not.toContain('library wording');
    });
  });

  describe('a TooManyRequestsException', () => {
    it('should answer 429 with Retry-After in seconds', () => {
      handle(new TooManyRequestsException(16));

      expect(reply.statusCode).toBe(429);
      expect(reply.headers['retry-after']).toBe('16');
      expect(reply.body).toEqual({
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Too many failed attempts. Try again later.',
      });
    });
  });

  describe('a ServiceBusyException', () => {
    it('should answer 503 with Retry-After, and log nothing', () => {
      handle(new ServiceBusyException(1));

      expect(reply.statusCode).toBe(503);
      expect(reply.headers['retry-after']).toBe('1');
      expect(reply.body).toEqual({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'The service is busy. Try again shortly.',
      });
      expect(loggedErrors).not.toHaveBeenCalled();
    });
  });

  describe('a 401', () => {
    it('should challenge with WWW-Authenticate: Bearer when no token was sent', () => {
      handle(new UnauthorizedException('A valid access token is required.'));

      expect(reply.statusCode).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer');
    });

    it('should add error="invalid_token" when an Authorization header was sent', () => {
      request.headers.authorization = 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln';

      handle(new UnauthorizedException('A valid access token is required.'));

      expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    });

    it('should give the same body with and without a token', () => {
      handle(new UnauthorizedException('A valid access token is required.'));
      const withoutToken = reply.payload;
      reply = new FakeReply();
      request.headers.authorization = 'Bearer expired';

      handle(new UnauthorizedException('A valid access token is required.'));

      expect(reply.payload).toBe(withoutToken);
    });

    it('should not challenge on other statuses', () => {
      request.headers.authorization = 'Bearer whatever';

      handle(new ForbiddenException());

      expect(reply.headers).not.toHaveProperty('www-authenticate');
    });
  });
});
