// SQL text building blocks for PostgreSQL: quoted names, string literals, dollar quoting.
import { quoteIdentifier, quoteTarget } from "../../graph/quote";
import type { Target } from "../../graph/types";

export function ident(name: string): string {
  return quoteIdentifier(name, "postgres");
}

export function relation(target: Target): string {
  return quoteTarget(target, "postgres");
}

/** The same schema (and database) as `target`, another name: temp objects live beside their target. */
export function sibling(target: Target, name: string): Target {
  return { ...target, name };
}

/**
 * `$tag$text$tag$` with a tag that does not occur in `text`, so any SQL (including SQL that itself
 * uses dollar quotes) can be embedded in a DO block.
 */
export function dollarQuote(text: string, base = "sql"): string {
  let tag = `$${base}$`;
  for (let i = 1; text.includes(tag); i++) tag = `$${base}${i}$`;
  return `${tag}${text}${tag}`;
}

/** Model queries and stored view definitions may end with `;`, which cannot sit inside `create … as (…)`. */
export function withoutTrailingSemicolon(sql: string): string {
  return sql.replace(/[\s;]+$/, "");
}
