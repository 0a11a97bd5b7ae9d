import { connect, Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

export interface RawRequestOptions {
  bodyBytes?: number;
  /** Frame the body as `Transfer-Encoding: chunked` (the head must say so). */
  chunked?: boolean;
  /** Read nothing until the whole body is written, as Python's http.client and other simple clients do. */
  readAfterBody?: boolean;
}

/**
 * One HTTP/1.1 exchange over a plain TCP socket, for what an HTTP client library would refuse to send or hide: an
 * over-long request line, or a large body written while the server answers. Sends `head` as it is, then
 * `bodyBytes` bytes of body (in chunked framing if asked); resolves with the first complete response (with a Content-Length), and rejects if the
 * connection ends or fails before one arrived.
 */
export function rawExchange(
  host: string,
  port: number,
  head: string,
  { bodyBytes = 0, chunked = false, readAfterBody = false }: RawRequestOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (outcome: RawResponse | Error) => {
      if (done) {
        return;
      }
      done = true;
      socket.destroy();
      if (outcome instanceof Error) {
        reject(outcome);
      } else {
        resolve(outcome);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const response = completeResponse(received);
      if (response) {
        finish(response);
      }
    });
    socket.on('error', (error) => finish(new Error(`${error.message} after ${received.length} bytes of response`)));
    socket.on('close', () => finish(new Error(`closed after ${received.length} bytes: ${received.toString()}`)));
    if (readAfterBody) {
      socket.pause();
    }
    socket.once(
      'connect',
      () => void writeRequest(socket, head, { bodyBytes, chunked }, () => done).then(() => socket.resume()),
    );
  });
}

async function writeRequest(
  socket: Socket,
  head: string,
  { bodyBytes, chunked }: { bodyBytes: number; chunked: boolean },
  stopped: () => boolean,
): Promise<void> {
  socket.write(head);
  for (let sent = 0; sent < bodyBytes && !stopped() && socket.writable; sent += CHUNK.length) {
    const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, bodyBytes - sent));
    const framed = chunked
      ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
      : chunk;
    if (!socket.write(framed)) {
      await new Promise((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  }
  if (chunked && socket.writable) {
    socket.write('0\r\n\r\n');
  }
}

function completeResponse(received: Buffer): RawResponse | null {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) {
    return null;
  }
  const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const length = Number(headers['content-length'] ?? 0);
  const body = received.subarray(end + 4);
  if (body.length < length) {
    return null;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8') };
}
