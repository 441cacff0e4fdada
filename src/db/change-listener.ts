import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../common/logger';
import { onPoolNotification } from './data-source';

/** The channel the data tables' triggers notify with each new data version (migration ChangeLog). */
export const CHANGE_CHANNEL = 'sc_data_changes';
/** How the listener's session shows in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'service-circle-listener';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * A dedicated PostgreSQL session that LISTENs on the change channel and hands each announced data version to
 * `onVersion`. When the session is lost (a restart, a failover, a terminated backend) it reconnects with a growing
 * pause, and on every (re)connection hands over the current version too: notifications sent while it was away are
 * not replayed by PostgreSQL, but the change log is, so reading from there after the version the engine holds
 * loses nothing.
 */
export class ChangeListener {
  private client: Client | null = null;
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private timer: NodeJS.Timeout | null = null;
  readonly stats = { connects: 0, notifications: 0, errors: 0, connected: false };

  constructor(
    private readonly url: string,
    private readonly onVersion: (version: bigint) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    this.stats.connected = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: LISTENER_APPLICATION_NAME, connectionTimeoutMillis: 5_000 });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (n) => {
      const version = announcedVersion(n);
      if (version === null) return;
      this.stats.notifications++;
      this.onVersion(version);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      const { rows } = await client.query<{ version: string }>('SELECT version::text AS version FROM data_version');
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.stats.connects++;
      this.stats.connected = true;
      this.retryMs = FIRST_RETRY_MS;
      if (rows[0]) this.onVersion(BigInt(rows[0].version));
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: Client, err: Error | null): void {
    if (client !== this.client && this.client !== null) return; // an old session's late event
    this.client = null;
    this.stats.connected = false;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.stopped || this.timer) return;
    this.stats.errors++;
    this.logger.warn({ err: err ?? undefined, retryMs: this.retryMs }, 'change feed listener lost its connection; reconnecting');
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}

/**
 * The embedded database's change channel: PGlite is one session, shared by every connection to it, so LISTEN
 * once and every NOTIFY arrives on the pooled connection whose statement committed the change; the pool hands
 * it over here (data-source.ts). No connection of its own, nothing to lose.
 */
export async function listenOnSharedSession(dataSource: DataSource, onVersion: (version: bigint) => void): Promise<() => void> {
  const stop = onPoolNotification((n) => {
    const version = announcedVersion(n);
    if (version !== null) onVersion(version);
  });
  await dataSource.query(`LISTEN ${CHANGE_CHANNEL}`);
  return stop;
}

/** The data version a notification on the change channel announces; null for any other notification. */
function announcedVersion(n: { channel: string; payload?: string }): bigint | null {
  return n.channel === CHANGE_CHANNEL && n.payload && /^\d{1,19}$/.test(n.payload) ? BigInt(n.payload) : null;
}
