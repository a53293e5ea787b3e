/**
 * replaceTableContents on a real Postgres: the swapped-in table is the old one in every way a
 * migration or a query can tell (index and constraint names and definitions, foreign keys that
 * still cascade, grants), readers are not blocked while it fills, a writer that waited for the
 * caller's lock lands in the new table, and a failure leaves the old table as it was.
 */
import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { replaceTableContents } from '../../src/db/replace-table';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, item } from '../support/factories';

describe('replaceTableContents: build a table bare, index it, swap it in', () => {
  let db: TestDatabase;
  const role = `tailor_test_${randomBytes(4).toString('hex')}`;

  const shape = async () => ({
    indexes: await db.dataSource.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'item_pairs' ORDER BY indexname`,
      [db.schema],
    ),
    constraints: await db.dataSource.query(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'item_pairs'::regclass ORDER BY conname`,
    ),
    grants: await db.dataSource.query(
      `SELECT grantee, privilege_type FROM information_schema.role_table_grants WHERE table_schema = $1 AND table_name = 'item_pairs' AND grantee = $2 ORDER BY privilege_type`,
      [db.schema, role],
    ),
  });
  const pairs = async () =>
    (await db.dataSource.query(`SELECT item_a || '>' || item_b AS pair, weight FROM item_pairs ORDER BY 1`)).map(
      (r: { pair: string; weight: number }) => `${r.pair}=${r.weight}`,
    );

  const fillWith = (tx: EntityManager, rows: [string, string, number][]) => async (target: string) => {
    await tx.query(
      `INSERT INTO ${target} (item_a, item_b, weight) SELECT * FROM unnest($1::text[], $2::text[], $3::float8[])`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [item('a', { title: 'A' }), item('b', { title: 'B' }), item('c', { title: 'C' })]);
    await db.dataSource.query(`INSERT INTO item_pairs (item_a, item_b, weight) VALUES ('a', 'b', 1), ('b', 'a', 0.5)`);
    await db.dataSource.query(`CREATE ROLE ${role} NOLOGIN`);
    await db.dataSource.query(`GRANT SELECT, INSERT ON item_pairs TO ${role}`);
  });
  afterAll(async () => {
    // Roles are cluster-wide: take this one's privileges back and drop it.
    await db?.dataSource.query(`DROP OWNED BY ${role}`);
    await db?.dataSource.query(`DROP ROLE IF EXISTS ${role}`);
    await db?.close();
  });

  it('swaps in the new rows under the old names, with the old constraints, foreign keys and grants', async () => {
    const before = await shape();
    expect(before.indexes.map((i: { indexname: string }) => i.indexname)).toEqual([
      'item_pairs_item_b_idx',
      'item_pairs_pkey',
      'item_pairs_strongest_idx',
    ]);
    expect(before.grants).toHaveLength(2);

    await db.dataSource.transaction(async (tx) => {
      await tx.query(`LOCK TABLE item_pairs IN EXCLUSIVE MODE`);
      await replaceTableContents(
        tx,
        'item_pairs',
        fillWith(tx, [
          ['a', 'c', 2],
          ['c', 'b', 1.5],
          ['b', 'c', 1],
        ]),
      );
    });

    expect(await pairs()).toEqual(['a>c=2', 'b>c=1', 'c>b=1.5']);
    expect(await shape()).toEqual(before);
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE '%\\_\\_next%' AND relnamespace = $1::regnamespace`,
      [db.schema],
    );
    expect(n).toBe(0);
    // The foreign keys are real ones again: they cascade and they refuse.
    await db.dataSource.query(`DELETE FROM items WHERE id = 'a'`);
    expect(await pairs()).toEqual(['b>c=1', 'c>b=1.5']);
    await expect(db.dataSource.query(`INSERT INTO item_pairs VALUES ('nope', 'b', 1)`)).rejects.toThrow(/foreign key/);
    await expect(db.dataSource.query(`INSERT INTO item_pairs VALUES ('b', 'c', 0)`)).rejects.toThrow(
      /check constraint/,
    );
    await insertItems(db.dataSource, [item('a', { title: 'A' })]);
  });

  it('lets readers read the old rows while it fills, and a writer that waited lands in the new table', async () => {
    const before = await pairs();
    let readDuringFill: string[] = [];
    let writer: Promise<unknown> | undefined;
    await db.dataSource.transaction(async (tx) => {
      await tx.query(`LOCK TABLE item_pairs IN EXCLUSIVE MODE`);
      // A live write (recordInteraction's shape) queues behind the lock...
      writer = db.dataSource.query(
        `/* waiting-writer */ INSERT INTO item_pairs (item_a, item_b, weight) VALUES ('c', 'b', 1)
         ON CONFLICT (item_a, item_b) DO UPDATE SET weight = item_pairs.weight + EXCLUDED.weight`,
      );
      await waitUntilBlocked('waiting-writer');
      await replaceTableContents(tx, 'item_pairs', async (target) => {
        // ...while a reader on another connection is not blocked (a 2 s timeout would fail it).
        readDuringFill = await db.dataSource.transaction(async (reader) => {
          await reader.query(`SET LOCAL statement_timeout = '2s'`);
          return (await reader.query(`SELECT item_a || '>' || item_b AS pair, weight FROM item_pairs ORDER BY 1`)).map(
            (r: { pair: string; weight: number }) => `${r.pair}=${r.weight}`,
          );
        });
        await fillWith(tx, [
          ['c', 'b', 4],
          ['a', 'b', 1],
        ])(target);
      });
    });
    await writer;
    expect(readDuringFill).toEqual(before);
    // The waiting write resolved the name again after the swap and added to the new row.
    expect(await pairs()).toEqual(['a>b=1', 'c>b=5']);
  });

  it('leaves the old table untouched when the fill fails, and refuses a table that owns a sequence', async () => {
    const before = await pairs();
    const shapeBefore = await shape();
    await expect(
      db.dataSource.transaction(async (tx) => {
        await replaceTableContents(tx, 'item_pairs', async (target) => {
          await tx.query(`INSERT INTO ${target} (item_a, item_b, weight) VALUES ('a', 'b', 1)`);
          throw new Error('fill failed');
        });
      }),
    ).rejects.toThrow('fill failed');
    expect(await pairs()).toEqual(before);
    expect(await shape()).toEqual(shapeBefore);

    const logged = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions`);
    await expect(
      db.dataSource.transaction((tx) => replaceTableContents(tx, 'interactions', () => Promise.resolve())),
    ).rejects.toThrow(/owns a sequence/);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions`)).toEqual(logged);
  });

  async function waitUntilBlocked(tag: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const rows = await db.dataSource.query(
        `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
        [`%${tag}%`],
      );
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the statement tagged ${tag} never waited for the lock`);
  }
});
