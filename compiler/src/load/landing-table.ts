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

export function createLandingSchemaSql(schema: string): string {
  return `create schema if not exists ${q(schema)}`;
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
    createLandingSchemaSql(contract.table.schema),
    `create table ${table} (\n${columns.join(",\n")}\n)`,
    loadedAtIndexSql(contract),
  ];
  if (contract.description) statements.push(`comment on table ${table} is ${quoteString(contract.description)}`);
  for (const c of contract.columns) {
    if (c.description) statements.push(`comment on column ${table}.${q(c.name)} is ${quoteString(c.description)}`);
  }
  return statements;
}

/**
 * Loads append rows in `_loaded_at` order, so a BRIN index (a few pages, next to nothing to
 * maintain during COPY) lets incremental staging read one load's rows, and the duplicate-key check
 * one file's, instead of scanning the whole landing table.
 */
function loadedAtIndexSql(contract: LandingContract): string {
  return `create index if not exists ${q(loadedAtIndexName(contract))} on ${quotedTable(contract)} using brin (${q("_loaded_at")})`;
}

function loadedAtIndexName(contract: LandingContract): string {
  return `${contract.table.name.slice(0, 48)}__loaded_at_brin`;
}

/**
 * After a file's transaction committed: summarize the BRIN ranges it filled (PostgreSQL only does
 * that in VACUUM, and unsummarized ranges are read by every scan), and refresh the planner
 * statistics when the file added a tenth of the table or more — autovacuum's default threshold,
 * done here because many warehouses run without it. Without statistics PostgreSQL cannot tell that
 * `_loaded_at` follows the table's physical order, and scans the table instead of using the index.
 */
export function afterLoadSql(contract: LandingContract, rowsLoaded: number, rowsBefore: number): string[] {
  const index = quoteString(`${q(contract.table.schema)}.${q(loadedAtIndexName(contract))}`);
  const statements = [`select brin_summarize_new_values(${index}::regclass)`];
  if (rowsBefore < 0 || rowsLoaded >= 0.1 * rowsBefore) statements.push(`analyze ${quotedTable(contract)}`);
  return statements;
}

/** The planner's row count of the table (-1: never analyzed). */
export function estimatedRowsSql(contract: LandingContract): string {
  return `select reltuples::float8 as estimate from pg_class where oid = ${quoteString(quotedTable(contract))}::regclass`;
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
  // Tables created before landing tables had the index get it on their next load.
  const statements: string[] = [loadedAtIndexSql(contract)];
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
