// The landing table a contract loads into: its DDL, its COPY statement, and the check that an
// existing table still fits the contract (new contract columns are added; a changed type is an error).
import { UserError } from "../errors";
import { quoteIdentifier, quoteString, quoteTarget } from "../graph/quote";
import type { Session } from "../warehouse/warehouse";
import { METADATA_COLUMNS, type ColumnType, type LandingContract } from "./contract";

/** The PostgreSQL type of each contract type, and how information_schema.columns.data_type names it. */
export const POSTGRES_TYPES: Record<ColumnType, { ddl: string; dataType: string }> = {
  text: { ddl: "text", dataType: "text" },
  integer: { ddl: "integer", dataType: "integer" },
  bigint: { ddl: "bigint", dataType: "bigint" },
  numeric: { ddl: "numeric", dataType: "numeric" },
  boolean: { ddl: "boolean", dataType: "boolean" },
  date: { ddl: "date", dataType: "date" },
  timestamp: { ddl: "timestamp", dataType: "timestamp without time zone" },
};

const q = (name: string) => quoteIdentifier(name, "postgres");

export function quotedTable(contract: LandingContract): string {
  return quoteTarget(contract.table, "postgres");
}

export function tableName(contract: LandingContract): string {
  return `${contract.table.schema}.${contract.table.name}`;
}

/**
 * Contract columns are nullable in the table: the contract, not a constraint, decides what is
 * required, so relaxing a contract never needs a migration.
 */
export function createLandingTableSql(contract: LandingContract): string[] {
  const columns = contract.columns.map((c) => `  ${q(c.name)} ${POSTGRES_TYPES[c.type].ddl}`);
  columns.push(
    `  ${q("_source_file")} text not null default current_setting(${quoteString(SOURCE_FILE_SETTING)}, true)`,
    `  ${q("_loaded_at")} timestamptz not null default now()`,
    `  ${q("_row_hash")} text not null`,
  );
  const table = quotedTable(contract);
  const statements = [
    `create schema if not exists ${q(contract.table.schema)}`,
    `create table ${table} (\n${columns.join(",\n")}\n)`,
  ];
  if (contract.description) statements.push(`comment on table ${table} is ${quoteString(contract.description)}`);
  for (const c of contract.columns) {
    if (c.description) statements.push(`comment on column ${table}.${q(c.name)} is ${quoteString(c.description)}`);
  }
  return statements;
}

/**
 * `_source_file` defaults to this transaction-local setting (set by `setSourceFileSql`) and
 * `_loaded_at` to now(), the transaction's start: one value per file, filled in by the server.
 */
export const SOURCE_FILE_SETTING = "strata.load_source_file";

export function setSourceFileSql(): string {
  return `select set_config(${quoteString(SOURCE_FILE_SETTING)}, $1, true)`;
}

/** COPY of the contract's columns and `_row_hash`, in the order RowEncoder writes them. */
export function copySql(contract: LandingContract): string {
  const columns = [...contract.columns.map((c) => c.name), "_row_hash"].map(q).join(", ");
  return `copy ${quotedTable(contract)} (${columns}) from stdin`;
}

/** Column name → information_schema data_type; undefined when the table does not exist. */
export async function readLandingColumns(session: Session, contract: LandingContract): Promise<Map<string, string> | undefined> {
  const result = await session.execute(
    `select column_name, data_type from information_schema.columns
      where table_schema = $1 and table_name = $2 order by ordinal_position`,
    { params: [contract.table.schema, contract.table.name] },
  );
  if (result.rows.length === 0) return undefined;
  return new Map(result.rows.map((r) => [String(r.column_name), String(r.data_type)]));
}

/**
 * Statements that make an existing table fit the contract (ADD COLUMN for new contract columns).
 * Throws a UserError, pointing at the contract column, when a column's type changed or metadata
 * columns are missing: that needs a decision (migrate the table, or rename the source).
 */
export function alignLandingTableSql(contract: LandingContract, existing: Map<string, string>): string[] {
  const table = tableName(contract);
  for (const meta of METADATA_COLUMNS) {
    if (!existing.has(meta)) {
      throw new UserError(`${table} exists but has no "${meta}" column: it was not created by strata load`, { file: contract.file });
    }
  }
  const statements: string[] = [];
  for (const column of contract.columns) {
    const actual = existing.get(column.name);
    const wanted = POSTGRES_TYPES[column.type];
    if (actual === undefined) {
      statements.push(`alter table ${quotedTable(contract)} add column ${q(column.name)} ${wanted.ddl}`);
    } else if (actual !== wanted.dataType) {
      throw new UserError(
        `column "${column.name}" is ${column.type} in the contract but ${actual} in ${table}; alter the table or the contract`,
        { file: contract.file, line: column.line },
      );
    }
  }
  return statements;
}
