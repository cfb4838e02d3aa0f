// What a published relation carries besides its rows: indexes, privileges and comments, from the
// action's config (`uniqueKey`, `indexes`, `grants`, `description`, `columns`).
import { quoteString } from "../../graph/quote";
import { UserError } from "../../errors";
import type { ColumnDescriptor, GraphAction, Target } from "../../graph/types";
import { indexName } from "./names";
import { ident, relation } from "./sql-text";

export type RelationSqlKind = "table" | "view" | "materialized view";

export interface PlannedIndex {
  name: string;
  columns: string[];
  unique: boolean;
  /** Unique keys treat NULLs as equal (PostgreSQL 15+), so a NULL key cannot be inserted twice. */
  nullsNotDistinct: boolean;
}

/** `with (…)` storage parameters of a built relation (config `postgres: {fillfactor}`), if any. */
export function storageParameters(action: GraphAction): string | undefined {
  const fillfactor = action.strata?.postgres?.fillfactor;
  return fillfactor !== undefined ? `fillfactor = ${fillfactor}` : undefined;
}

/**
 * The indexes an action asks for: the unique key first (when `withUniqueKey`), then `indexes`.
 * Names are derived from the final relation name, so a rebuild produces the same names.
 */
export function plannedIndexes(action: GraphAction, withUniqueKey: boolean): PlannedIndex[] {
  const table = action.target.name;
  const result: PlannedIndex[] = [];
  const uniqueKey = action.kind === "table" ? action.uniqueKey ?? [] : [];
  if (withUniqueKey && uniqueKey.length > 0) {
    result.push({ name: indexName(table, uniqueKey, true), columns: uniqueKey, unique: true, nullsNotDistinct: true });
  }
  for (const index of action.strata?.indexes ?? []) {
    const unique = index.unique ?? false;
    const name = indexName(table, index.columns, unique);
    if (!result.some((r) => r.name === name)) result.push({ name, columns: index.columns, unique, nullsNotDistinct: false });
  }
  return result;
}

export function createIndexSql(index: PlannedIndex, name: string, on: Target, ifNotExists = false): string {
  const columns = index.columns.map(ident).join(", ");
  return (
    `create ${index.unique ? "unique " : ""}index ${ifNotExists ? "if not exists " : ""}${ident(name)} on ${relation(on)} (${columns})` +
    (index.nullsNotDistinct ? " nulls not distinct" : "")
  );
}

const PRIVILEGES = new Set(["select", "insert", "update", "delete", "truncate", "references", "trigger", "maintain", "all", "all privileges"]);

/** `grants: { role: [privileges] }` → one GRANT per role. Grants are added, never revoked. */
export function grantStatements(action: GraphAction, target: Target): string[] {
  const grants = action.strata?.grants ?? {};
  return Object.entries(grants).map(([role, privileges]) => {
    const list = privileges.map((p) => p.trim().toLowerCase());
    const bad = list.find((p) => !PRIVILEGES.has(p));
    if (bad !== undefined || list.length === 0) {
      throw new UserError(
        `grants of "${action.target.schema}.${action.target.name}": "${bad ?? ""}" is not a privilege on a relation (use ${[...PRIVILEGES].join(", ")})`,
        action.strata?.location ?? {},
      );
    }
    const grantee = role.toLowerCase() === "public" ? "public" : ident(role);
    return `grant ${list.join(", ")} on ${relation(target)} to ${grantee}`;
  });
}

export function commentSql(kind: RelationSqlKind, target: Target, comment: string): string {
  return `comment on ${kind} ${relation(target)} is ${quoteString(comment)}`;
}

/** `comment on column` for every flat column with a description (nested paths have no column). */
export function columnCommentStatements(target: Target, columns: ColumnDescriptor[] | undefined): string[] {
  return (columns ?? [])
    .filter((c) => c.path.length === 1 && c.description)
    .map((c) => `comment on column ${relation(target)}.${ident(c.path[0])} is ${quoteString(c.description as string)}`);
}

/** True when one of these `pg_get_indexdef` texts is a unique index on exactly `columns` (any order). */
export function hasUniqueIndexOn(indexDefinitions: string[] | undefined, columns: string[]): boolean {
  const wanted = [...columns].sort().join("\u0000");
  return (indexDefinitions ?? []).some((definition) => {
    const match = /^CREATE UNIQUE INDEX .* USING \w+ \(([^()]*)\)(?: NULLS NOT DISTINCT)?$/i.exec(definition.trim());
    if (!match) return false;
    const indexed = match[1].split(",").map((c) => c.trim().replace(/^"(.*)"$/, (_m, inner: string) => inner.replace(/""/g, '"')));
    return [...indexed].sort().join("\u0000") === wanted;
  });
}
