import { IdempotentTerms1764600000000 } from '../../migrations/1764600000000-IdempotentTerms';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertProfiles, insertUsers } from '../support/factories';

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

describe('the IdempotentTerms migration', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it('renames stored interest terms to their normal form, adding weights that meet, and leaves normal terms alone', async () => {
    await insertUsers(db.dataSource, ['w1', 'w2']);
    // Terms as normaliseTerm wrote them before it followed singular forms to the end.
    await insertProfiles(db.dataSource, {
      w1: {
        refTime: null,
        weights: [
          ['women interest', 1.5],
          ['woman interest', 2],
          ['astronomy', 3],
        ],
      },
      w2: { refTime: null, weights: [['children health', 4]] },
    });
    const migrate = async () => {
      const runner = db.dataSource.createQueryRunner();
      try {
        await new IdempotentTerms1764600000000().up(runner);
      } finally {
        await runner.release();
      }
    };
    await migrate();
    const rows = await db.dataSource.query(`SELECT user_id, term, weight FROM user_interests ORDER BY user_id, term`);
    expect(rows).toEqual([
      { user_id: 'w1', term: 'astronomy', weight: 3 },
      { user_id: 'w1', term: 'woman interest', weight: 3.5 },
      { user_id: 'w2', term: 'child health', weight: 4 },
    ]);
    // Running it again changes nothing: every stored term is now its own normal form.
    await migrate();
    expect(
      await db.dataSource.query(`SELECT user_id, term, weight FROM user_interests ORDER BY user_id, term`),
    ).toEqual(rows);
  });
});
