// Identifier quoting per warehouse dialect. The graph keeps names unquoted; SQL text quotes them.
// PostgreSQL and Athena DML (Trino) both use double quotes with "" escaping. Athena stores
// schema and table names in lower case (Glue catalog), and Trino folds unquoted identifiers to lower
// case, so for Athena names are lowered before quoting: "Sales"."Orders" would never match
// (Athena guide, "Name databases, tables, and columns"). Athena DDL quotes with backticks instead;
// the Athena plan does that itself.
import type { Target, WarehouseKind } from "./types";

export function quoteIdentifier(name: string, dialect: WarehouseKind): string {
  const text = dialect === "athena" ? name.toLowerCase() : name;
  return `"${text.replace(/"/g, '""')}"`;
}

/** `"schema"."name"`, with the database first when the target has one. */
export function quoteTarget(t: Target, dialect: WarehouseKind): string {
  const parts = t.database ? [t.database, t.schema, t.name] : [t.schema, t.name];
  return parts.map((p) => quoteIdentifier(p, dialect)).join(".");
}

/** A SQL string literal: single quotes, with '' escaping (PostgreSQL and Trino alike). */
export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
