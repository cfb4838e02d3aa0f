// The grammar check for Athena SQL: node-sql-parser's Trino grammar parses queries and INSERT.
// It has no rules for Athena's DDL engine statements, nor for Trino's CTAS WITH (...), MERGE,
// DELETE … WHERE EXISTS or a CREATE VIEW over a UNION: those are matched against the exact syntax
// the plan emits here, and the query embedded in them (the model's SQL) is parsed with the grammar.
import { Parser } from "node-sql-parser";
import type { ActionPlan } from "../../src/plan/plan";

const parser = new Parser();
const NAME = String.raw`(?:"[^"]+"\.)?"[^"]+"\."[^"]+"`;
const DDL_NAME = String.raw`\`[a-z0-9_]+\`\.\`[a-z0-9_]+\``;

/** Statements of Athena's DDL engine, in exactly the forms the plan emits. */
const DDL_FORMS: RegExp[] = [
  new RegExp(String.raw`^create database if not exists \`[a-z0-9_]+\`$`),
  new RegExp(String.raw`^alter table ${DDL_NAME} rename to ${DDL_NAME}$`),
  new RegExp(String.raw`^drop table (?:if exists )?${DDL_NAME}$`),
  new RegExp(String.raw`^drop view if exists ${NAME}$`),
  new RegExp(
    String.raw`^create external table if not exists ${DDL_NAME} \(\n(?:  \`[a-z0-9_]+\` string,?\n)+\)\nrow format serde '[A-Za-z0-9.]+'\nwith serdeproperties \([^\n]*\)(?:\nstored as textfile)?\nlocation 's3://[^']+/'(?:\ntblproperties \('skip\.header\.line\.count' = '[01]'\))?$`,
  ),
];

/** Trino statements with an embedded query the grammar cannot reach on its own: [envelope, query group]. */
const ENVELOPES: RegExp[] = [
  // The grammar's CREATE VIEW takes no set operation (UNION ALL) as its body: check the body alone.
  new RegExp(String.raw`^create or replace view ${NAME} as\n([\s\S]+)$`),
  new RegExp(String.raw`^create table ${NAME}\nwith \(\n(?:  [a-z_]+ = (?:'[^']*'|ARRAY\[[^\]]*\]|false|true|\d+),?\n)+\)\nas\n([\s\S]+)$`),
  new RegExp(String.raw`^merge into ${NAME} as dest\nusing \(\n([\s\S]+)\n\) as src\non [^\n]+(?:\nwhen matched then update set [^\n]+)?\nwhen not matched then insert \([^\n]+\) values \([^\n]+\)$`),
  new RegExp(String.raw`^delete from ${NAME}\nwhere exists \(\nselect 1 from \(\n([\s\S]+)\n\) as src\nwhere [^\n]+\n\)$`),
];

export function trinoParses(sql: string): void {
  parser.astify(sql, { database: "trino" });
}

/** Throws if `sql` is not valid Athena SQL by the checks above; returns how it was checked. */
export function assertParses(sql: string): "trino" | "envelope" | "ddl" {
  if (DDL_FORMS.some((re) => re.test(sql))) return "ddl";
  for (const re of ENVELOPES) {
    const m = re.exec(sql);
    if (m) {
      check(m[1], sql);
      return "envelope";
    }
  }
  check(sql, sql);
  return "trino";
}

function check(sql: string, whole: string): void {
  try {
    trinoParses(sql);
  } catch (err) {
    const message = (err as Error).message.split("\n")[0];
    // Grammar gap: node-sql-parser's Trino grammar rejects a scalar subquery in a comparison
    // (`x > (select max(y) from t)`) and `exists (select ...)`, both standard SQL that Trino runs.
    // Such statements are checked in two parts: the outer one with each subquery replaced by a
    // literal, and every subquery on its own.
    const rewritten = rewriteGrammarGaps(sql);
    if (rewritten !== sql) return check(rewritten, whole);
    if (/invalid column clause with select statement/.test(message)) {
      const { outer, subqueries } = liftScalarSubqueries(sql);
      if (subqueries.length > 0) {
        check(outer, whole);
        for (const q of subqueries) check(q, whole);
        return;
      }
    }
    throw new Error(`not valid Trino SQL: ${message}\n--- statement ---\n${whole}`);
  }
}

/**
 * Grammar gap of node-sql-parser's Trino grammar: a window's PARTITION BY may only list columns,
 * while Trino accepts any expression (`partition by trim(id)`). Such a list is replaced by a
 * column before parsing; the expressions themselves also appear (and are checked) elsewhere.
 */
function rewriteGrammarGaps(sql: string): string {
  const marker = /partition\s+by\s+/gi;
  let out = "";
  let from = 0;
  for (let m = marker.exec(sql); m; m = marker.exec(sql)) {
    const begin = m.index + m[0].length;
    let depth = 0;
    let j = begin;
    for (; j < sql.length; j++) {
      if (sql[j] === "(") depth++;
      else if (sql[j] === ")") {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && /^\s+order\s+by\b/i.test(sql.slice(j, j + 12))) break;
    }
    const list = sql.slice(begin, j);
    if (list.includes("(")) {
      out += sql.slice(from, begin) + "strata_partition_expression";
      from = j;
    }
  }
  return out + sql.slice(from);
}

/** Replaces a scalar `(select …)` by `1` and `exists (select …)` by `1 = 1`, returning the subqueries. */
export function liftScalarSubqueries(sql: string): { outer: string; subqueries: string[] } {
  const subqueries: string[] = [];
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const open = /\(\s*select\b/gi;
    open.lastIndex = i;
    const m = open.exec(sql);
    if (!m) break;
    const before = sql.slice(i, m.index);
    const isExists = /\bexists\s*$/i.test(before);
    // A scalar subquery as an operand or a select-list item (a `,` in a FROM list would also match:
    // the outer statement then fails to parse, so a mistake here can only fail the check).
    const isScalar = /(?:[<>=+\-*/,(]|!=|\bselect|\bthen|\belse|\band|\bor|\bnot)\s*$/i.test(before);
    const end = closingParen(sql, m.index);
    if ((!isExists && !isScalar) || end < 0) {
      out += sql.slice(i, m.index + 1);
      i = m.index + 1;
      continue;
    }
    subqueries.push(sql.slice(m.index + 1, end));
    out += isExists ? before.replace(/\bexists\s*$/i, "1 = 1") : `${before}1`;
    i = end + 1;
  }
  return { outer: out + sql.slice(i), subqueries };
}

function closingParen(sql: string, openAt: number): number {
  let depth = 0;
  for (let j = openAt; j < sql.length; j++) {
    const c = sql[j];
    if (c === "'") j = sql.indexOf("'", j + 1); // skip string literals
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return j;
    if (j < 0) return -1;
  }
  return -1;
}

/** A plan as text, the way `--dry-run` shows it: step descriptions as comments, statements with `;`. */
export function renderPlan(plan: ActionPlan): string {
  const lines = [`-- ${plan.target.schema}.${plan.target.name} (${plan.materialization})`];
  for (const notice of plan.notices) lines.push(`-- notice: ${notice}`);
  if (plan.requireExists) lines.push(`-- requires ${plan.requireExists.target.schema}.${plan.requireExists.target.name}`);
  for (const step of plan.steps) {
    lines.push(`-- ${step.description}`);
    for (const sql of step.statements) lines.push(`${sql};`);
  }
  if (plan.check) lines.push("-- count failing rows", `${plan.check.countSql};`, "-- sample", `${plan.check.sampleSql};`);
  if (plan.cleanup.length > 0) lines.push("-- cleanup on failure", ...plan.cleanup.map((s) => `${s};`));
  return lines.join("\n");
}
