import { createServer } from 'node:net';
import { StartupError } from '../startup-error';

/**
 * Fails with one line naming PORT or HOST when the service could not listen there, before Nest starts: Nest would
 * otherwise report "successfully started" and then the listen error twice, with its stack.
 */
export async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) {
    return;
  }
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw new StartupError(listenProblem((error as NodeJS.ErrnoException).code ?? 'unknown error', host, port));
  }
  await new Promise((resolve) => server.close(resolve));
}

function listenProblem(code: string, host: string, port: number): string {
  switch (code) {
    case 'EADDRINUSE':
      return `PORT: ${host}:${port} is already in use; stop what listens there or set PORT (or HOST) to a free one`;
    case 'EACCES':
      return `PORT: no permission to listen on ${host}:${port} (ports below 1024 need privileges); set PORT to another`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST: ${host} is not an address of this machine; set HOST to one of its addresses, or 0.0.0.0`;
    default:
      return `PORT, HOST: cannot listen on ${host}:${port} (${code}); check both`;
  }
}
