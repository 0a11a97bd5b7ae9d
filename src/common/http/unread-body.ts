import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';

/** After an early answer (413, 415), this much more of the request body is read and discarded, at most. */
const MAX_DISCARDED_BYTES = 16 * 1024 * 1024;
/** …for at most this long; then the connection is cut. */
const MAX_DISCARD_MS = 10_000;

/**
 * An answer sent before the request body was read (a 413 for a body over the limit, a 415) used to close the
 * connection at once. Closing a socket with unread data makes the kernel send a reset, and a client still sending
 * — or one that reads only after sending, as Python's http.client does — loses the answer with it. So the rest of the
 * body is read and thrown away (bounded in bytes and time), and the connection stays usable, as HTTP/1.1 allows:
 * Node's parser knows where the body ends, so nothing of it can pass for a next request.
 */
export function registerUnreadBodyDiscard(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const incoming = request.raw;
    if (!incoming.complete && reply.getHeader('connection') === 'close') {
      reply.removeHeader('connection');
      discardRest(incoming);
    }
    done(null, payload);
  });
}

function discardRest(incoming: IncomingMessage): void {
  let discarded = 0;
  const cut = () => incoming.socket.destroy();
  const timer = setTimeout(cut, MAX_DISCARD_MS);
  timer.unref();
  incoming.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) {
      cut();
    }
  });
  for (const event of ['end', 'close']) {
    incoming.once(event, () => clearTimeout(timer));
  }
  incoming.resume();
}
