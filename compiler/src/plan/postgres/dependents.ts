// Views and materialized views built on a relation that Strata replaces. PostgreSQL cannot point
// a view at a new relation, and `drop … cascade` would silently lose them (what dbt and Dataform
// v2 do); so inside the swap transaction they are dropped (deepest first, no CASCADE) and
// recreated (in dependency order) from the definitions, indexes, privileges, comments and owner
// read from the warehouse before the run touched anything. Not carried over: view options
// (security_barrier, security_invoker, check option) and INSTEAD OF triggers on dependents.
import { quoteString } from "../../graph/quote";
import type { DependentObject } from "../../warehouse/warehouse";
import { commentSql, type RelationSqlKind } from "./relation-metadata";
import { ident, relation, withoutTrailingSemicolon } from "./sql-text";

function sqlKind(dependent: DependentObject): RelationSqlKind {
  return dependent.kind === "materialized_view" ? "materialized view" : "view";
}

/** Deepest first, so nothing is dropped while something else still reads it. */
export function dropDependents(dependents: DependentObject[]): string[] {
  return [...dependents].reverse().map((d) => `drop ${sqlKind(d)} ${relation(d)}`);
}

/** In dependency order (the order the introspector reports them). */
export function recreateDependents(dependents: DependentObject[]): string[] {
  return dependents.flatMap((d) => {
    const kind = sqlKind(d);
    const definition = withoutTrailingSemicolon(d.definition).trim();
    return [
      d.kind === "materialized_view"
        ? `create materialized view ${relation(d)} as ${definition}\nwith data`
        : `create view ${relation(d)} as ${definition}`,
      ...d.indexes.map(withoutTrailingSemicolon),
      ...(d.owner ? [`alter ${kind} ${relation(d)} owner to ${ident(d.owner)}`] : []),
      ...d.grants.map(withoutTrailingSemicolon),
      ...(d.comment !== undefined ? [commentSql(kind, d, d.comment)] : []),
      ...Object.entries(d.columnComments ?? {}).map(
        ([column, comment]) => `comment on column ${relation(d)}.${ident(column)} is ${quoteString(comment)}`,
      ),
    ];
  });
}
