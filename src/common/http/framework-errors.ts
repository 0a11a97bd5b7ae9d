import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { fastifyClientProblem, sendProblem } from '../filters/problem-details.filter';
import { Problem, problem, PROBLEM_CONTENT_TYPE } from '../problem';
import { API_HEADERS } from './security-headers';

/** Node refuses a request line plus headers over 16 KiB; when the request line alone is this long, the URL is to blame. */
const LONG_REQUEST_LINE_BYTES = 8 * 1024;
/** How long a connection whose request could not be parsed stays open for the client to read our answer. */
const CLIENT_ERROR_LINGER_MS = 2000;

/**
 * Fastify's router rejects a malformed URL (400) or an over-long path parameter (414) before any hook or filter runs,
 * and would answer in its own JSON; this answers the same status as problem+json with our headers.
 */
export function onFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void reply.headers(API_HEADERS).header('X-Request-Id', request.id);
  sendProblem(request, reply, fastifyClientProblem(error) ?? problem(400, 'The request could not be read.'));
}

/**
 * What Node's HTTP parser cannot read (a request line or headers over its limit, garbage, a request that arrives too
 * slowly) never reaches Fastify: it is answered on the socket, as problem+json rather than Fastify's own body.
 */
export function onClientError(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  const answer = clientErrorProblem(error);
  const body = JSON.stringify(answer);
  const headers = {
    ...API_HEADERS,
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n${head.join('')}\r\n${body}`);
  }
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
}

function clientErrorProblem(error: ConnectionError): Problem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      // At run time rawPacket is the Buffer Node's parser was reading when it gave up.
      return requestLineLength(error.rawPacket as unknown as Buffer | undefined) > LONG_REQUEST_LINE_BYTES
        ? problem(414, 'The URL is too long.')
        : problem(431, 'The request headers are too large.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem(408, 'The request took too long to arrive.');
    default:
      return problem(400, 'The request is not valid HTTP.');
  }
}

/** The length of the request line in `packet`; all of it when the line does not end there. */
function requestLineLength(packet: Buffer | undefined): number {
  if (!packet) {
    return 0;
  }
  const end = packet.indexOf('\r\n');
  return end < 0 ? packet.length : end;
}
