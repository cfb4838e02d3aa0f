// Metadata of the targets a plan touches, read with plain Athena SQL over information_schema
// (no Glue API calls, so the only permissions needed are the ones queries need anyway).
import { quoteString } from "../../graph/quote";
import type { Target } from "../../graph/types";
import type { QueryResult, RelationInfo, RelationKind, WarehouseState } from "../warehouse";

function list(values: Iterable<string>): string {
  return [...new Set(values)].sort().map(quoteString).join(", ");
}

/** The three queries readState runs (tables, columns, schemas), for targets lower-cased as Glue stores them. */
export function stateQueries(targets: Target[]): { tables: string; columns: string; schemas: string } | undefined {
  if (targets.length === 0) return undefined;
  const schemas = list(targets.map((t) => t.schema.toLowerCase()));
  const names = list(targets.map((t) => t.name.toLowerCase()));
  return {
    tables: `select table_schema, table_name, table_type from information_schema.tables where table_schema in (${schemas}) and table_name in (${names})`,
    columns:
      `select table_schema, table_name, column_name, data_type, is_nullable from information_schema.columns ` +
      `where table_schema in (${schemas}) and table_name in (${names}) order by table_schema, table_name, ordinal_position`,
    schemas: `select schema_name from information_schema.schemata where schema_name in (${schemas})`,
  };
}

function kindOf(tableType: unknown): RelationKind {
  const t = String(tableType ?? "").toUpperCase();
  if (t === "VIEW") return "view";
  if (t === "BASE TABLE" || t === "TABLE" || t === "EXTERNAL_TABLE") return "table";
  return "other";
}

/** Builds the state from the three results; keys use the targets' own spelling. */
export function stateFromResults(targets: Target[], tables: QueryResult, columns: QueryResult, schemas: QueryResult): WarehouseState {
  const wanted = new Map(targets.map((t) => [`${t.schema.toLowerCase()}.${t.name.toLowerCase()}`, t]));
  const relations = new Map<string, RelationInfo>();
  const byLowerKey = new Map<string, RelationInfo>();
  for (const row of tables.rows) {
    const lower = `${row.table_schema}.${row.table_name}`;
    const target = wanted.get(lower);
    if (!target) continue;
    const info: RelationInfo = { schema: target.schema, name: target.name, kind: kindOf(row.table_type), columns: [], dependents: [], grants: [] };
    relations.set(`${target.schema}.${target.name}`, info);
    byLowerKey.set(lower, info);
  }
  for (const row of columns.rows) {
    const info = byLowerKey.get(`${row.table_schema}.${row.table_name}`);
    if (!info) continue;
    info.columns.push({ name: String(row.column_name), type: String(row.data_type), nullable: String(row.is_nullable).toUpperCase() !== "NO" });
  }
  const present = new Set(schemas.rows.map((r) => String(r.schema_name)));
  const schemaSet = new Set(targets.filter((t) => present.has(t.schema.toLowerCase())).map((t) => t.schema));
  return { relations, schemas: schemaSet };
}
