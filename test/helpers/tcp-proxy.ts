import net from 'node:net';

/**
 * A TCP proxy between the app and the test database, so a test can "stop the database server" without
 * touching the shared PostgreSQL service (or the run's embedded PGlite):
 * - `stop()` closes the listener (new connections are refused: ECONNREFUSED) and destroys every live
 *   connection in both directions (open clients see the socket end mid-statement, as when the server dies);
 * - `start()` listens again on the same port (the server is back);
 * - `blackhole()` accepts connections but never answers and drops open ones, as a hung server or a
 *   partitioned network does: only a connect timeout ends the wait.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private mode: 'forward' | 'blackhole' = 'forward';
  private boundPort = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly host = '127.0.0.1',
  ) {}

  /** Where the proxy listens (after the first `start()`). */
  get port(): number {
    return this.boundPort;
  }

  /** `url` with its host and port replaced by the proxy's. */
  proxiedUrl(url: string): string {
    const u = new URL(url);
    u.hostname = this.host;
    u.port = String(this.boundPort);
    return u.toString();
  }

  /** Listens (again) and forwards; the first call picks a free port, later calls reuse it. */
  async start(): Promise<number> {
    this.mode = 'forward';
    if (this.server) return this.boundPort;
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    return this.boundPort;
  }

  /** The server is gone: no listener, and every open connection is cut. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.destroyAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The server hangs: connections are accepted and then ignored; open ones are cut. */
  async blackhole(): Promise<void> {
    await this.start();
    this.mode = 'blackhole';
    this.destroyAll();
  }

  private destroyAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // A reset from either side is expected here; without a listener it would be an uncaught exception.
    socket.on('error', () => socket.destroy());
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.mode === 'blackhole') {
      client.on('data', () => undefined); // read and drop
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    this.track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
