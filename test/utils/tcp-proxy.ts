import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 (an ephemeral port) in front of a real server, that a test can cut and restore to play an
 * outage of that server for the clients behind it, while everyone else keeps using the server directly.
 *
 * - `cut()` destroys every proxied connection (both ends) and stops listening, so new connections are refused
 *   (ECONNREFUSED), as they are when the server is down.
 * - `restore()` listens again on the same port; clients reconnect by themselves.
 * - `close()` does both for good.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private listeningPort = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts a proxy to `target`, a URL such as `redis://127.0.0.1:6379` (its host and port are used). */
  static async start(target: string): Promise<TcpProxy> {
    const url = new URL(target);
    const proxy = new TcpProxy(url.hostname, Number(url.port));
    await proxy.listen(0);
    return proxy;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** `target` with its host and port replaced by the proxy's (credentials, path and query are kept). */
  urlFor(target: string): string {
    const url = new URL(target);
    url.hostname = '127.0.0.1';
    url.port = String(this.listeningPort);
    return url.toString();
  }

  /** Whether the proxy currently accepts connections. */
  get up(): boolean {
    return this.server !== null;
  }

  /** Ends every proxied connection and refuses new ones until `restore()`. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) {
      socket.destroy();
    }
    this.sockets.clear();
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (!this.server) {
      await this.listen(this.listeningPort);
    }
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.pipe(client));
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        this.server = server;
        this.listeningPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private pipe(client: Socket): void {
    if (!this.server) {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
