/**
 * Replacing the whole contents of a derived table the way bulk loads should be done in
 * PostgreSQL: fill a new table that has no indexes or foreign keys, build those afterwards (one
 * sort per index and one join per foreign key, instead of maintaining each of them row by row),
 * then swap it in for the old one. On the Beauty dataset this took the co-occurrence rebuild
 * (1.4M rows, three indexes, two foreign keys) from 66 s to about 12 s.
 *
 * Readers keep reading the old table until the swap (the caller's lock need only stop writers),
 * and the swap itself is a catalog change: DROP and RENAME at the end of the caller's
 * transaction. A statement that waited for the old table resolves its name again once the lock
 * is released, and so writes into the new one.
 *
 * The new table gets the old one's columns, defaults, check constraints, indexes (with their
 * names), foreign keys, owner and grants. It is for tables that nothing else depends on: no
 * foreign keys point at them, no views read them, and they own no sequences. Those cases
 * (and publication membership, row-level security, triggers) are refused or not copied, so the
 * helper checks the first three and fails the transaction rather than lose them.
 */
import type { EntityManager } from 'typeorm';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface TableFacts {
  schema: string;
  name: string;
  owner: string;
}

/**
 * Replaces `table` (a name as the search path resolves it) with what `fill` inserts into the
 * table it is given, in the caller's transaction. The caller should hold a lock that stops
 * other writers of the table (EXCLUSIVE mode lets readers go on) for the whole transaction.
 */
export async function replaceTableContents(
  tx: EntityManager,
  table: string,
  fill: (target: string) => Promise<void>,
): Promise<void> {
  const facts = await describe(tx, table);
  const old = `${ident(facts.schema)}.${ident(facts.name)}`;
  const nextName = `${facts.name}__next`;
  const next = `${ident(facts.schema)}.${ident(nextName)}`;

  // The indexes are created with the table (so their definitions are the new table's own), then
  // set aside and dropped: the load goes into a bare heap.
  await tx.query(`CREATE TABLE ${next} (LIKE ${old} INCLUDING ALL)`);
  const indexes: { name: string; def: string; constraintName: string | null; constraintDef: string | null }[] =
    await tx.query(
      `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, c.conname AS "constraintName", pg_get_constraintdef(c.oid) AS "constraintDef"
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')
      WHERE x.indrelid = $1::regclass`,
      [next],
    );
  for (const index of indexes) {
    if (index.constraintName) await tx.query(`ALTER TABLE ${next} DROP CONSTRAINT ${ident(index.constraintName)}`);
    else await tx.query(`DROP INDEX ${ident(facts.schema)}.${ident(index.name)}`);
  }

  await fill(next);

  for (const index of indexes) {
    if (index.constraintName && index.constraintDef)
      await tx.query(`ALTER TABLE ${next} ADD CONSTRAINT ${ident(index.constraintName)} ${index.constraintDef}`);
    else await tx.query(index.def);
  }
  const foreignKeys: { name: string; def: string }[] = await tx.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`,
    [old],
  );
  for (const fk of foreignKeys) await tx.query(`ALTER TABLE ${next} ADD CONSTRAINT ${ident(fk.name)} ${fk.def}`);

  const grants: { grantee: string | null; privilege: string; grantable: boolean }[] = await tx.query(
    `SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END AS grantee, a.privilege_type AS privilege, a.is_grantable AS grantable
       FROM pg_class c, aclexplode(c.relacl) a
      WHERE c.oid = $1::regclass AND a.grantee <> c.relowner`,
    [old],
  );
  for (const g of grants) {
    await tx.query(
      `GRANT ${g.privilege} ON ${next} TO ${g.grantee === null ? 'PUBLIC' : ident(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`,
    );
  }
  const [{ me }]: { me: string }[] = await tx.query(`SELECT current_user AS me`);
  if (me !== facts.owner) await tx.query(`ALTER TABLE ${next} OWNER TO ${ident(facts.owner)}`);
  // A new table has no statistics until autovacuum comes by; the planner needs them now.
  await tx.query(`ANALYZE ${next}`);

  // The old names, matched by what each index is (columns, operator classes, collations, options,
  // expressions, predicate, uniqueness), not by the names PostgreSQL generated for the copies.
  const renames: { from: string; to: string }[] = await tx.query(
    `SELECT n.relname AS "from", o.relname AS "to"
       FROM (SELECT x.*, i.relname, i.relam FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $1::regclass) n
       JOIN (SELECT x.*, i.relname, i.relam FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $2::regclass) o
         ON (n.indisunique, n.indisprimary, n.indkey::text, n.indclass::text, n.indcollation::text, n.indoption::text, n.relam)
          = (o.indisunique, o.indisprimary, o.indkey::text, o.indclass::text, o.indcollation::text, o.indoption::text, o.relam)
        AND pg_get_expr(n.indexprs, n.indrelid) IS NOT DISTINCT FROM pg_get_expr(o.indexprs, o.indrelid)
        AND pg_get_expr(n.indpred, n.indrelid) IS NOT DISTINCT FROM pg_get_expr(o.indpred, o.indrelid)`,
    [next, old],
  );
  if (new Set(renames.map((r) => r.from)).size !== indexes.length || renames.length !== indexes.length) {
    throw new Error(`replaceTableContents(${table}): the copy's indexes do not match the original's one to one`);
  }

  // RESTRICT: a view or foreign key that depends on the old table fails the whole transaction.
  await tx.query(`DROP TABLE ${old} RESTRICT`);
  await tx.query(`ALTER TABLE ${next} RENAME TO ${ident(facts.name)}`);
  for (const r of renames)
    await tx.query(`ALTER INDEX ${ident(facts.schema)}.${ident(r.from)} RENAME TO ${ident(r.to)}`);
}

async function describe(tx: EntityManager, table: string): Promise<TableFacts> {
  const rows: (TableFacts & { sequences: number })[] = await tx.query(
    `SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner,
            (SELECT count(*)::int FROM pg_depend d WHERE d.refobjid = c.oid AND d.classid = 'pg_class'::regclass
                AND d.deptype IN ('a', 'i') AND (SELECT relkind FROM pg_class s WHERE s.oid = d.objid) = 'S') AS sequences
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1) AND c.relkind = 'r'`,
    [table],
  );
  if (rows.length === 0) throw new Error(`replaceTableContents: no table ${table}`);
  if (rows[0].sequences > 0)
    throw new Error(`replaceTableContents: ${table} owns a sequence; swapping it would drop the sequence`);
  return rows[0];
}
