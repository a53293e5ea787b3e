/** Questions about the database itself rather than about the shop's data. */
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
