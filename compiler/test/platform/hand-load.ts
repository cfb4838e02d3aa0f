// Loads landing files into `landing.*` with plain SQL, the way the contract describes the result
// (typed columns + _source_file, _loaded_at, _row_hash). Used only while `strata load` is not
// available, so the platform's models can be checked on their own.
import crypto from "node:crypto";
import type { Contract, LandingFile, LandingValue } from "./landing-files";

const SQL_TYPES: Record<string, string> = {
  text: "text", integer: "integer", bigint: "bigint", numeric: "numeric", boolean: "boolean", date: "date", timestamp: "timestamp",
};

const literal = (value: LandingValue): string =>
  value === null ? "null" : typeof value === "number" || typeof value === "boolean" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;

/** SQL statements that create the landing tables (if missing) and insert `files`, one load time per file. */
export function handLoadSql(contracts: Contract[], files: LandingFile[], loadedAt: Date): string[] {
  const statements = ["create schema if not exists landing"];
  for (const contract of contracts) {
    const columns = contract.columns.map((c) => `${c.name} ${SQL_TYPES[c.type]}`).join(", ");
    statements.push(`create table if not exists ${contract.table} (${columns}, _source_file text, _loaded_at timestamptz, _row_hash text)`);
  }
  files.forEach((file, index) => {
    const contract = contracts.find((c) => c.source === file.source)!;
    if (file.rows.length === 0) return;
    const names = contract.columns.map((c) => c.name);
    const at = new Date(loadedAt.getTime() + index).toISOString();
    const values = file.rows.map((row) => {
      const hash = crypto.createHash("md5").update(JSON.stringify(names.map((n) => row[n]))).digest("hex");
      return `(${names.map((n) => literal(row[n])).join(", ")}, ${literal(file.file)}, '${at}', '${hash}')`;
    });
    statements.push(`insert into ${contract.table} (${names.join(", ")}, _source_file, _loaded_at, _row_hash) values\n${values.join(",\n")}`);
  });
  return statements;
}
