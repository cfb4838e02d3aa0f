// Temp objects of runs that were killed before their cleanup ran: `<name>__strata_tmp_<run>`
// (a half-built table or materialized view) and `<name>__strata_old_<run>`. Swaps happen inside
// one transaction, so a crash never leaves the published relation missing and these are never
// read by anything: dropping them is always safe. The runner calls this at the start of a run,
// under the run lock, so no other run's objects can be in flight.
import { quoteString } from "../../graph/quote";
import { tempMarker } from "./names";
import { relation } from "./sql-text";

export interface Leftover {
  schema: string;
  name: string;
  kind: "table" | "view" | "materialized_view";
}

/** Lists leftovers in these schemas: rows of (schema, name, kind). */
export function findLeftoversSql(schemas: string[]): string {
  const like = (marker: string) => quoteString(`%${marker.replace(/_/g, "\\_")}%`);
  return [
    "select n.nspname as schema, c.relname as name,",
    "       case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' else 'table' end as kind",
    "  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace",
    ` where n.nspname = any(array[${schemas.map(quoteString).join(", ")}]::text[])`,
    "   and c.relkind in ('r', 'p', 'v', 'm')",
    `   and (c.relname like ${like(tempMarker("tmp"))} or c.relname like ${like(tempMarker("old"))})`,
    " order by 1, 2",
  ].join("\n");
}

/** One plain `drop … if exists` per leftover (their indexes go with them). */
export function dropLeftoversStatements(leftovers: Leftover[]): string[] {
  return leftovers.map((l) => {
    const kind = l.kind === "materialized_view" ? "materialized view" : l.kind;
    return `drop ${kind} if exists ${relation(l)}`;
  });
}
