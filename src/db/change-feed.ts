/**
 * How processes tell each other that shared state changed: Postgres NOTIFY on one channel per
 * schema, with the kind of change as the payload. Listeners that miss a notification (their
 * connection dropped) are covered by each consumer's own polling.
 */
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';

export type ChangeKind = 'items' | 'users' | 'models';

export function changeChannel(schema: string | undefined): string {
  return `tailor_changes_${schema ?? 'public'}`;
}

export async function announce(db: DataSource, channel: string, kind: ChangeKind): Promise<void> {
  await db.query(`SELECT pg_notify($1, $2)`, [channel, kind]);
}

export class ChangeFeed {
  private readonly handlers = new Map<ChangeKind, (() => void)[]>();
  private client: Client | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly logger: Logger,
    private readonly retryMs = 2_000,
  ) {}

  on(kind: ChangeKind, handler: () => void): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), handler]);
  }

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.url });
    const retry = () => {
      if (this.client === client) this.client = undefined;
      if (!this.stopped) setTimeout(() => void this.start(), this.retryMs).unref();
    };
    client.on('error', (err) => {
      this.logger.warn({ err }, 'change feed lost its connection; consumers poll until it is back');
      retry();
    });
    client.on('notification', (msg) => {
      for (const handler of this.handlers.get(msg.payload as ChangeKind) ?? []) handler();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replace(/"/g, '')}"`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
    } catch (err) {
      this.logger.warn({ err }, 'change feed could not connect; consumers poll until it can');
      await client.end().catch(() => undefined);
      retry();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
