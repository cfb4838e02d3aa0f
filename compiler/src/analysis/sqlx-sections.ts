// Splits a SQLX file into its top-level blocks (config, js, pre_operations, ...) and SQL text,
// keeping exact offsets, so `format` can rewrite only the SQL and leave every block byte-for-byte.

export type SectionKind = "block" | "sql";

export interface Section {
  kind: SectionKind;
  text: string;
  /** 1-based line of the section's first character in the file. */
  line: number;
}

const BLOCK_START = /^(config|js|pre_operations|post_operations|incremental_where|input\s+"[^"]*")\s*\{/;

/** Top-level sections in order; concatenating their texts gives back the file exactly. */
export function splitSqlx(source: string): Section[] {
  const sections: Section[] = [];
  let sqlStart = 0;
  let i = 0;
  while (i < source.length) {
    const lineStart = i === 0 || source[i - 1] === "\n";
    const match = lineStart ? BLOCK_START.exec(source.slice(i, i + 200)) : null;
    if (match) {
      const end = matchingBrace(source, i + match[0].length - 1);
      if (end < 0) break; // unbalanced: the compiler reports it; treat the rest as SQL
      if (i > sqlStart) sections.push(section("sql", source, sqlStart, i));
      sections.push(section("block", source, i, end + 1));
      i = sqlStart = end + 1;
      continue;
    }
    i = skipLiteral(source, i);
  }
  if (sqlStart < source.length) sections.push(section("sql", source, sqlStart, source.length));
  return sections;
}

function section(kind: SectionKind, source: string, start: number, end: number): Section {
  return { kind, text: source.slice(start, end), line: lineAt(source, start) };
}

function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** Offset of the `}` matching the `{` at `open`, skipping strings, comments and templates; -1 if none. */
function matchingBrace(source: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < source.length) {
    const c = source[i];
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return i;
    } else if (c === '"' || c === "'" || c === "`" || (c === "/" && (source[i + 1] === "/" || source[i + 1] === "*"))) {
      i = skipLiteral(source, i);
      continue;
    }
    i++;
  }
  return -1;
}

/** If a string, template or comment starts at `i`, the offset after it; otherwise i + 1. */
function skipLiteral(source: string, i: number): number {
  const c = source[i];
  if (c === "/" && source[i + 1] === "/") {
    const end = source.indexOf("\n", i);
    return end < 0 ? source.length : end;
  }
  if (c === "-" && source[i + 1] === "-") {
    const end = source.indexOf("\n", i);
    return end < 0 ? source.length : end;
  }
  if (c === "/" && source[i + 1] === "*") {
    const end = source.indexOf("*/", i + 2);
    return end < 0 ? source.length : end + 2;
  }
  if (c === '"' || c === "'" || c === "`") {
    let j = i + 1;
    while (j < source.length && source[j] !== c) {
      if (source[j] === "\\") j++;
      else if (c === "`" && source[j] === "$" && source[j + 1] === "{") {
        const end = matchingBrace(source, j + 1);
        if (end < 0) return source.length;
        j = end;
      }
      j++;
    }
    return j + 1;
  }
  return i + 1;
}

export interface Placeholder {
  token: string;
  text: string;
}

/**
 * Replaces every `${...}` with an identifier-like token the SQL formatter leaves alone, so a
 * placeholder is never reformatted; `restorePlaceholders` puts them back exactly.
 */
export function maskPlaceholders(sql: string): { masked: string; placeholders: Placeholder[] } {
  const placeholders: Placeholder[] = [];
  let out = "";
  let i = 0;
  while (i < sql.length) {
    if (sql[i] === "$" && sql[i + 1] === "{") {
      const end = matchingBrace(sql, i + 1);
      if (end < 0) break;
      const token = `strata_ph_${placeholders.length}_`;
      placeholders.push({ token, text: sql.slice(i, end + 1) });
      out += token;
      i = end + 1;
      continue;
    }
    out += sql[i];
    i++;
  }
  return { masked: out + sql.slice(i), placeholders };
}

export function restorePlaceholders(sql: string, placeholders: Placeholder[]): string {
  let out = sql;
  // Longest tokens first so strata_ph_1_ never matches inside strata_ph_10_.
  for (const p of [...placeholders].sort((a, b) => b.token.length - a.token.length)) {
    out = out.split(p.token).join(p.text);
  }
  return out;
}
