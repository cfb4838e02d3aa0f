// A small SQL/SQLX highlighter: one regex tokenizer, spans with classes. Enough for reading
// models (keywords, strings, comments, numbers, ${...} placeholders), far smaller than a full grammar.
import { escapeHtml } from "./html";

const KEYWORDS = new Set(
  (
    "select from where and or not in is null as on join left right inner outer full cross using group by order " +
    "having limit offset union all distinct case when then else end with create or replace view table materialized " +
    "insert into values update set delete merge matched returning over partition rows range between preceding " +
    "following current row unbounded asc desc nulls first last true false exists like ilike cast interval " +
    "coalesce count sum avg min max row_number rank dense_rank lag lead date timestamp integer int bigint " +
    "numeric decimal text varchar boolean if drop alter add column index unique primary key references default " +
    "begin commit rollback lateral filter within except intersect window qualify extract epoch"
  ).split(" "),
);

const TOKEN =
  /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?|`[^`]*`?)|(\$\{(?:[^{}]|\{[^{}]*\})*\}?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][\w$]*)|([\s\S])/g;

/** Returns HTML for `sql` with tokens wrapped in `<span class="tok-...">`. */
export function highlightSql(sql: string): string {
  let out = "";
  let m: RegExpExecArray | null;
  TOKEN.lastIndex = 0;
  while ((m = TOKEN.exec(sql))) {
    const text = escapeHtml(m[0]);
    if (m[1]) out += `<span class="tok-comment">${text}</span>`;
    else if (m[2]) out += `<span class="tok-string">${text}</span>`;
    else if (m[3]) out += `<span class="tok-ident">${text}</span>`;
    else if (m[4]) out += `<span class="tok-template">${text}</span>`;
    else if (m[5]) out += `<span class="tok-number">${text}</span>`;
    else if (m[6] && KEYWORDS.has(m[6].toLowerCase())) out += `<span class="tok-keyword">${text}</span>`;
    else out += text;
  }
  return out;
}
