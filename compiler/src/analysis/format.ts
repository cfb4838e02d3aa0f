// `strata format`: formats the SQL of SQLX files with sql-formatter in the target's dialect.
// config/js/pre_operations/... blocks and `${...}` placeholders come back exactly as they were,
// and formatting is idempotent (formatting formatted SQL changes nothing).
import { format as formatSql, type FormatOptionsWithLanguage } from "sql-formatter";
import type { WarehouseKind } from "../graph/types";
import { maskPlaceholders, restorePlaceholders, splitSqlx } from "./sqlx-sections";

const STATEMENT_SEPARATOR = /^---\s*$/m;

function options(dialect: WarehouseKind): FormatOptionsWithLanguage {
  return {
    language: dialect === "athena" ? "trino" : "postgresql",
    keywordCase: "lower",
    dataTypeCase: "lower",
    tabWidth: 2,
    expressionWidth: 100,
    linesBetweenQueries: 1,
  };
}

/**
 * The whole file with its SQL formatted. Blocks are kept byte for byte; the whitespace between
 * sections becomes one blank line and the file ends with one newline.
 */
export function formatSqlx(source: string, dialect: WarehouseKind): string {
  const parts: string[] = [];
  for (const s of splitSqlx(source)) {
    if (s.kind === "block") parts.push(s.text);
    else if (s.text.trim() !== "") parts.push(formatStatements(s.text, dialect));
  }
  return parts.join("\n\n") + "\n";
}

function formatStatements(sql: string, dialect: WarehouseKind): string {
  return sql
    .split(STATEMENT_SEPARATOR)
    .map((statement) => formatOne(statement, dialect))
    .filter((s) => s !== "")
    .join("\n\n---\n\n");
}

function formatOne(sql: string, dialect: WarehouseKind): string {
  if (sql.trim() === "") return "";
  const { masked, placeholders } = maskPlaceholders(sql);
  const formatted = formatSql(masked, options(dialect));
  return restorePlaceholders(formatted, placeholders).trim();
}
