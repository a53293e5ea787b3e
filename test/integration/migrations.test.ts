import { createTestDatabase, TestDatabase } from '../support/db';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it('create every table in the test schema, and undo cleanly', async () => {
    const tables = await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [db.schema],
    );
    const names = tables.map((t: { table_name: string }) => t.table_name);
    expect(names).toEqual(expect.arrayContaining(['items', 'interactions', 'user_interests', 'users', 'migrations']));
    const applied = await db.dataSource.query(`SELECT count(*)::int AS n FROM migrations`);
    while ((await db.dataSource.query(`SELECT count(*)::int AS n FROM migrations`))[0].n > 0) {
      await db.dataSource.undoLastMigration({ transaction: 'each' });
    }
    const left = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'migrations'`,
      [db.schema],
    );
    expect(applied[0].n).toBeGreaterThan(0);
    expect(left[0].n).toBe(0);
    await db.dataSource.runMigrations({ transaction: 'each' });
  });
});
