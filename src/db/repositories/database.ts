/** Questions about the database itself rather than about the shop's data. */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** One round trip that needs a working connection (readiness checks). */
export async function ping(db: DataSource): Promise<void> {
  await db.query('SELECT 1');
}

/** The migrations applied to this schema, oldest first. */
export async function appliedMigrations(db: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await db.query(`SELECT name FROM migrations ORDER BY id`);
  return rows.map((r) => r.name);
}

/** The connection pool's use: connections open, idle, and clients waiting for one. */
export function poolStats(db: DataSource): { total: number; idle: number; waiting: number } {
  // TypeORM's Postgres driver keeps its pg.Pool as `master` (typed any there).
  const pool = (db.driver as unknown as { master?: Pool }).master;
  return { total: pool?.totalCount ?? 0, idle: pool?.idleCount ?? 0, waiting: pool?.waitingCount ?? 0 };
}
