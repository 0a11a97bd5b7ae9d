import { AddressInfo, createServer } from 'node:net';

/** A port of 127.0.0.1 that was free a moment ago, for a server whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A port of 127.0.0.1 that nothing listens on, so connections to it are refused (a server that is down). */
export const closedPort = freePort;
