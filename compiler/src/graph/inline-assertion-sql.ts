// The SQL of inline assertions (config `assertions {}`), as Dataform v3 writes it. The compiler
// renders it against the whole table; with `assertions.newRowsOnly` the PostgreSQL plan renders
// the same checks against the rows an incremental run wrote.
import type { NewRowsCheck } from "./types";
import { quoteString } from "./quote";

export function inlineAssertionSql(relation: string, check: NewRowsCheck): string {
  return check.kind === "uniqueKey" ? uniqueKeyAssertionSql(relation, check.columns) : rowConditionsAssertionSql(relation, check.conditions);
}

function uniqueKeyAssertionSql(relation: string, columns: string[]): string {
  const cols = columns.join(", ");
  return `\nSELECT\n  *\nFROM (\n  SELECT\n    ${cols},\n    COUNT(1) AS index_row_count\n  FROM ${relation}\n  GROUP BY ${cols}\n  ) AS data\nWHERE index_row_count > 1\n`;
}

function rowConditionsAssertionSql(relation: string, conditions: string[]): string {
  return conditions
    .map((c) => `\nSELECT\n  ${quoteString(c)} AS failing_row_condition,\n  *\nFROM ${relation}\nWHERE NOT (${c})\n`)
    .join("UNION ALL");
}
