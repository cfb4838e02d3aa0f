// The `athena {}` config block of a table or incremental: Iceberg partitioning, bucketing, file
// format and table properties, turned into the WITH (...) clause of the CTAS.
//   athena: { partitionBy: ["day(order_date)", "country"], bucketBy: { columns: ["customer_id"], buckets: 16 },
//             format: "PARQUET", writeCompression: "ZSTD", tableProperties: { vacuum_max_snapshot_age_seconds: 86400 } }
import { quoteString } from "../../graph/quote";
import { UserError } from "../../errors";
import type { SourceLocation } from "../../graph/types";


export interface IcebergOptions {
  partitioning: string[];
  format: string;
  writeCompression?: string;
  tableProperties: Record<string, string | number | boolean>;
}

const KEYS = ["partitionBy", "bucketBy", "format", "writeCompression", "tableProperties"];
const FORMATS = ["PARQUET", "ORC", "AVRO"];
/** A column, or an Iceberg transform of one: year/month/day/hour(col), bucket(n, col), truncate(n, col). */
const PARTITION = /^\s*(?:[A-Za-z_][A-Za-z0-9_]*|(?:year|month|day|hour)\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)|(?:bucket|truncate)\(\s*\d+\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\))\s*$/i;

export function icebergOptions(raw: Record<string, unknown> | undefined, where: SourceLocation | undefined, action: string): IcebergOptions {
  const options = raw ?? {};
  const fail = (message: string) => new UserError(`${action}: athena.${message}`, where ? { file: where.file, line: where.line, column: where.column } : {});
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) throw fail(`${key} is not an Athena option (known: ${KEYS.join(", ")})`);
  }
  const partitioning: string[] = [];
  const partitionBy = options.partitionBy ?? [];
  if (!Array.isArray(partitionBy) || !partitionBy.every((p) => typeof p === "string" && PARTITION.test(p))) {
    throw fail(`partitionBy must be a list of columns or Iceberg transforms, e.g. ["day(order_date)", "country"]`);
  }
  partitioning.push(...(partitionBy as string[]).map((p) => p.trim()));
  if (options.bucketBy !== undefined) {
    const b = options.bucketBy as { columns?: unknown; buckets?: unknown };
    const columns = typeof b.columns === "string" ? [b.columns] : b.columns;
    if (!Array.isArray(columns) || !columns.every((c) => typeof c === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(c)) || !Number.isInteger(b.buckets) || (b.buckets as number) < 1) {
      throw fail(`bucketBy must be { columns: [...], buckets: N }`);
    }
    // Iceberg has no Hive-style bucketing: a bucket(N, col) partition transform does the same job.
    for (const c of columns as string[]) partitioning.push(`bucket(${b.buckets}, ${c})`);
  }
  const format = String(options.format ?? "PARQUET").toUpperCase();
  if (!FORMATS.includes(format)) throw fail(`format must be one of ${FORMATS.join(", ")}`);
  const tableProperties = (options.tableProperties ?? {}) as Record<string, unknown>;
  if (typeof tableProperties !== "object" || Array.isArray(tableProperties)) throw fail(`tableProperties must be a map`);
  for (const [k, v] of Object.entries(tableProperties)) {
    if (!/^[a-z_][a-z0-9_.]*$/.test(k) || !["string", "number", "boolean"].includes(typeof v)) {
      throw fail(`tableProperties.${k} must be a lower-case property name with a string, number or boolean value`);
    }
  }
  const writeCompression = options.writeCompression === undefined ? undefined : String(options.writeCompression).toUpperCase();
  return { partitioning, format, writeCompression, tableProperties: tableProperties as Record<string, string | number | boolean> };
}

/** The CTAS WITH (...) properties of an Iceberg table at `location`. */
export function icebergWithClause(options: IcebergOptions, location: string): string {
  const props: string[] = [`table_type = 'ICEBERG'`, `is_external = false`, `location = ${quoteString(location)}`, `format = ${quoteString(options.format)}`];
  if (options.writeCompression) props.push(`write_compression = ${quoteString(options.writeCompression)}`);
  if (options.partitioning.length > 0) props.push(`partitioning = ARRAY[${options.partitioning.map(quoteString).join(", ")}]`);
  for (const [k, v] of Object.entries(options.tableProperties)) props.push(`${k} = ${typeof v === "string" ? quoteString(v) : String(v)}`);
  return `with (\n  ${props.join(",\n  ")}\n)`;
}
