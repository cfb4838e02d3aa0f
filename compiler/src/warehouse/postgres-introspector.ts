// Reads what the warehouse holds for the relations a plan is about to touch: kind, columns,
// comments, privileges, unique indexes and the views / materialized views built on top of them
// (recursively, in an order they can be recreated). Shared by the pg and PGlite drivers: the same
// catalog SQL runs on PostgreSQL 15 through 18.
import type { Target } from "../graph/types";
import { quoteIdentifier, quoteString } from "../graph/quote";
import { parseStrataHash } from "./strata-comment";
import {
  relationKey,
  type ColumnInfo,
  type DependentObject,
  type RelationInfo,
  type RelationKind,
  type Session,
  type WarehouseState,
} from "./warehouse";

interface ClassRow {
  oid: number;
  schema: string;
  name: string;
  relkind: string;
  comment: string | null;
  owner: string;
}

/**
 * Must run on one session: it empties search_path while it reads so that pg_get_viewdef and
 * pg_get_indexdef print every name schema-qualified, and restores it afterwards.
 */
export async function readState(session: Session, targets: Target[]): Promise<WarehouseState> {
  const schemas = new Set(
    (await session.execute("select nspname from pg_catalog.pg_namespace")).rows.map((r) => String(r.nspname)),
  );
  const relations = new Map<string, RelationInfo>();
  if (targets.length === 0) return { relations, schemas };

  const saved = String((await session.execute("select pg_catalog.current_setting('search_path') as p")).rows[0].p);
  await session.execute("select pg_catalog.set_config('search_path', '', false)");
  try {
    const wanted = targets.map((t) => `(${quoteString(t.schema)}, ${quoteString(t.name)})`).join(", ");
    const found = await readClasses(session, `(n.nspname, c.relname) in (values ${wanted})`);
    if (found.length === 0) return { relations, schemas };

    const dependencies = await readDependents(session, found.map((c) => c.oid));
    const dependentOids = [...new Set(dependencies.map((d) => d.oid))];
    const dependentClasses = dependentOids.length ? await readClasses(session, `c.oid = any(${oidArray(dependentOids)})`) : [];
    const allOids = [...found, ...dependentClasses].map((c) => c.oid);
    const columns = await readColumns(session, allOids);
    const grants = await readGrants(session, allOids);
    const indexes = await readIndexes(session, allOids);
    const definitions = await readViewDefinitions(session, dependentOids);
    const byOid = new Map(dependentClasses.map((c) => [c.oid, c]));

    for (const c of found) {
      const kind = relationKind(c.relkind);
      relations.set(relationKey({ schema: c.schema, name: c.name }), {
        schema: c.schema,
        name: c.name,
        kind,
        columns: (columns.get(c.oid) ?? []).map(({ comment: _comment, ...column }) => column),
        comment: c.comment ?? undefined,
        dependents: dependencies
          .filter((d) => d.root === c.oid)
          .map((d) => byOid.get(d.oid))
          .filter((d): d is ClassRow => d !== undefined)
          .map((d) => ({
            schema: d.schema,
            name: d.name,
            kind: d.relkind === "m" ? "materialized_view" : "view",
            definition: definitions.get(d.oid) ?? "",
            indexes: indexes.get(d.oid)?.all ?? [],
            grants: grants.get(d.oid) ?? [],
            comment: d.comment ?? undefined,
            columnComments: columnComments(columns.get(d.oid) ?? []),
            owner: d.owner,
          }) satisfies DependentObject),
        grants: grants.get(c.oid) ?? [],
        definitionHash: kind === "materialized_view" ? parseStrataHash(c.comment) : undefined,
        indexes: indexes.get(c.oid)?.unique ?? [],
      });
    }
    return { relations, schemas };
  } finally {
    await session.execute(`select pg_catalog.set_config('search_path', ${quoteString(saved)}, false)`);
  }
}

function relationKind(relkind: string): RelationKind {
  switch (relkind) {
    case "r":
    case "p":
      return "table";
    case "v":
      return "view";
    case "m":
      return "materialized_view";
    case "f":
      return "foreign_table";
    default:
      return "other";
  }
}

async function readClasses(session: Session, where: string): Promise<ClassRow[]> {
  const { rows } = await session.execute(`
    select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relkind::text as relkind,
           pg_catalog.obj_description(c.oid, 'pg_class') as comment,
           pg_catalog.pg_get_userbyid(c.relowner) as owner
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where ${where}`);
  return rows.map((r) => ({ ...(r as unknown as ClassRow), oid: Number(r.oid) }));
}

/**
 * Views and materialized views that depend on each root, recursively. A view's dependency on a
 * relation is recorded on its rewrite rule (pg_depend: rule → relation), so we walk
 * relation → rules that reference it → the views owning those rules. Ordering by the longest path
 * from the root puts every view after everything it reads.
 */
async function readDependents(session: Session, roots: number[]): Promise<{ root: number; oid: number }[]> {
  const { rows } = await session.execute(`
    with recursive dependents(root, oid, depth) as (
      select d.refobjid, r.ev_class, 1
        from pg_catalog.pg_depend d
        join pg_catalog.pg_rewrite r on r.oid = d.objid
       where d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
         and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
         and d.refobjid = any(${oidArray(roots)})
         and r.ev_class <> d.refobjid
      union
      select dep.root, r.ev_class, dep.depth + 1
        from dependents dep
        join pg_catalog.pg_depend d on d.refobjid = dep.oid
         and d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
         and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
        join pg_catalog.pg_rewrite r on r.oid = d.objid
       where r.ev_class <> dep.oid and dep.depth < 100
    )
    select root::int8 as root, oid::int8 as oid, max(depth) as depth
      from dependents
     group by root, oid
     order by root, max(depth), oid`);
  return rows.map((r) => ({ root: Number(r.root), oid: Number(r.oid) }));
}

type ColumnRow = ColumnInfo & { comment: string | null };

async function readColumns(session: Session, oids: number[]): Promise<Map<number, ColumnRow[]>> {
  const { rows } = await session.execute(`
    select a.attrelid::int8 as oid, a.attname as name,
           pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
           not a.attnotnull as nullable,
           pg_catalog.col_description(a.attrelid, a.attnum) as comment
      from pg_catalog.pg_attribute a
     where a.attrelid = any(${oidArray(oids)}) and a.attnum > 0 and not a.attisdropped
     order by a.attrelid, a.attnum`);
  return groupBy(rows, (r) => ({
    name: String(r.name),
    type: String(r.type),
    nullable: Boolean(r.nullable),
    comment: (r.comment as string | null) ?? null,
  }));
}

function columnComments(columns: ColumnRow[]): Record<string, string> | undefined {
  const withComments = columns.filter((c) => c.comment !== null);
  return withComments.length ? Object.fromEntries(withComments.map((c) => [c.name, c.comment as string])) : undefined;
}

/**
 * GRANT statements that recreate the explicit privileges in relacl; the owner's own (implicit)
 * privileges are left out. One statement per grantee and grant option, privileges in a fixed order.
 */
async function readGrants(session: Session, oids: number[]): Promise<Map<number, string[]>> {
  const { rows } = await session.execute(`
    select c.oid::int8 as oid, n.nspname as schema, c.relname as name,
           case when g.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(g.grantee) end as grantee,
           g.is_grantable as grantable,
           pg_catalog.string_agg(pg_catalog.lower(g.privilege_type), ', ' order by g.privilege_type) as privileges
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     cross join lateral pg_catalog.aclexplode(c.relacl) g
     where c.oid = any(${oidArray(oids)}) and g.grantee <> c.relowner
     group by c.oid, n.nspname, c.relname, g.grantee, g.is_grantable
     order by c.oid, 4, g.is_grantable`);
  return groupBy(rows, (r) => {
    const grantee = r.grantee === "PUBLIC" ? "public" : quoteIdentifier(String(r.grantee), "postgres");
    const on = `${quoteIdentifier(String(r.schema), "postgres")}.${quoteIdentifier(String(r.name), "postgres")}`;
    return `grant ${r.privileges} on ${on} to ${grantee}${r.grantable ? " with grant option" : ""}`;
  });
}

/** All indexes (for recreating materialized views) and the unique ones not backing a constraint. */
async function readIndexes(session: Session, oids: number[]): Promise<Map<number, { all: string[]; unique: string[] }>> {
  const { rows } = await session.execute(`
    select i.indrelid::int8 as oid, pg_catalog.pg_get_indexdef(i.indexrelid) as definition,
           i.indisunique and not exists (
             select 1 from pg_catalog.pg_constraint k where k.conindid = i.indexrelid
           ) as unique_index
      from pg_catalog.pg_index i
      join pg_catalog.pg_class ic on ic.oid = i.indexrelid
     where i.indrelid = any(${oidArray(oids)})
     order by i.indrelid, ic.relname`);
  const result = new Map<number, { all: string[]; unique: string[] }>();
  for (const r of rows) {
    const entry = result.get(Number(r.oid)) ?? { all: [], unique: [] };
    entry.all.push(String(r.definition));
    if (r.unique_index) entry.unique.push(String(r.definition));
    result.set(Number(r.oid), entry);
  }
  return result;
}

async function readViewDefinitions(session: Session, oids: number[]): Promise<Map<number, string>> {
  if (oids.length === 0) return new Map();
  const { rows } = await session.execute(`
    select c.oid::int8 as oid, pg_catalog.pg_get_viewdef(c.oid, true) as definition
      from pg_catalog.pg_class c where c.oid = any(${oidArray(oids)})`);
  return new Map(rows.map((r) => [Number(r.oid), String(r.definition).trim().replace(/;$/, "")]));
}

function groupBy<T>(rows: Record<string, unknown>[], map: (row: Record<string, unknown>) => T): Map<number, T[]> {
  const result = new Map<number, T[]>();
  for (const r of rows) {
    const oid = Number(r.oid);
    const list = result.get(oid) ?? [];
    list.push(map(r));
    result.set(oid, list);
  }
  return result;
}

function oidArray(oids: number[]): string {
  return `'{${oids.map((o) => Math.trunc(o)).join(",")}}'::pg_catalog.oid[]`;
}
