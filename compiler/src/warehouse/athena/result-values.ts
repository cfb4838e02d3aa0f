// GetQueryResults returns every value as text (`VarCharValue`), and a NULL as a datum without
// one. The column types in ResultSetMetadata say how to read them back.
import type { ColumnInfo, Row } from "@aws-sdk/client-athena";
import type { QueryField } from "../warehouse";

export function fieldsFrom(columns: ColumnInfo[]): QueryField[] {
  return columns.map((c) => ({ name: c.Label ?? c.Name ?? "", type: c.Type }));
}

/**
 * A SELECT's first result page starts with a header row holding the column labels; DDL and
 * utility statements (SHOW, DESCRIBE) have none.
 */
export function isHeaderRow(row: Row | undefined, fields: QueryField[]): boolean {
  if (!row?.Data || row.Data.length !== fields.length || fields.length === 0) return false;
  return row.Data.every((d, i) => d.VarCharValue === fields[i].name);
}

export function rowToRecord(row: Row, fields: QueryField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    out[f.name] = typedValue(row.Data?.[i]?.VarCharValue, f.type);
  });
  return out;
}

/**
 * Integers and floating point become numbers (bigint beyond 2^53 stays text, as pg does), booleans
 * booleans; decimal, date, timestamp and nested types stay text so no precision is lost.
 */
function typedValue(text: string | undefined, type: string | undefined): unknown {
  if (text === undefined) return null;
  switch ((type ?? "varchar").toLowerCase()) {
    case "tinyint":
    case "smallint":
    case "integer":
    case "int":
      return Number(text);
    case "bigint": {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : text;
    }
    case "double":
    case "float":
    case "real":
      return Number(text); // also reads "NaN" and "Infinity"
    case "boolean":
      return text === "true";
    default:
      return text;
  }
}
