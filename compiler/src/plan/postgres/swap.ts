// Build-then-swap, shared by tables, full builds of incrementals and rebuilt materialized views:
//
//   1. build   (one session, no transaction): pre-operations; `create … <name>__strata_tmp_<run>
//              as <query>`; its indexes. Long-running, invisible to readers; `cleanup` drops it
//              if the run fails or is interrupted.
//   2. swap    (ONE transaction): drop the views built on the old relation, drop the old relation,
//              rename the new one into place, rename its indexes, restore the old relation's
//              privileges, apply grants and comments, recreate the views.
//
// Readers see the old relation until COMMIT and the new one after it — never a missing or
// half-built one. A crash anywhere inside the swap rolls it back. The old relation is dropped
// rather than renamed aside: inside one transaction nothing can observe the difference, and
// there is nothing left to clean up afterwards.
import { StrataError, ExitCode } from "../../errors";
import type { Target } from "../../graph/types";
import type { PlanStep } from "../plan";
import type { RelationInfo } from "../../warehouse/warehouse";
import { dropDependents, recreateDependents } from "./dependents";
import { tempName } from "./names";
import { createIndexSql, type PlannedIndex, type RelationSqlKind } from "./relation-metadata";
import { ident, relation, sibling } from "./sql-text";

export interface BuildAndSwap {
  target: Target;
  kind: "table" | "materialized view";
  /** What is there now (absent on a first build). */
  existing?: RelationInfo;
  runId: string;
  query: string;
  /** Run in the build session before the build (pre_operations). */
  before: string[];
  indexes: PlannedIndex[];
  /** Storage parameters of a new table, e.g. `fillfactor = 80` (none: PostgreSQL's defaults). */
  storage?: string;
  /** Keep one row per key (the last the query returned) before the unique index is built. */
  deduplicateOn?: string[];
  /** Run in the swap transaction once the new relation has its name: grants, comments. */
  finish: string[];
}

export function planBuildAndSwap(input: BuildAndSwap): { steps: PlanStep[]; cleanup: string[] } {
  const { target, kind, existing, runId } = input;
  const temp = sibling(target, tempName(target.name, "tmp", runId));
  const tempIndexName = (index: PlannedIndex) => tempName(index.name, "tmp", runId);

  const storage = input.storage ? ` with (${input.storage})` : "";
  const create =
    kind === "table"
      ? `create table ${relation(temp)}${storage} as ${input.query}`
      : `create materialized view ${relation(temp)}${storage} as ${input.query}\nwith data`;
  const build: PlanStep = {
    description: `build ${kind} into ${temp.name}`,
    transactional: false,
    statements: [
      ...input.before,
      create,
      ...(input.deduplicateOn?.length ? [deleteEarlierDuplicates(temp, input.deduplicateOn)] : []),
      ...input.indexes.map((i) => createIndexSql(i, tempIndexName(i), temp)),
    ],
  };

  const dependents = existing?.dependents ?? [];
  const swap: PlanStep = {
    description: existing ? `swap ${temp.name} into place` : `publish ${temp.name} as ${target.name}`,
    transactional: true,
    statements: [
      ...dropDependents(dependents),
      ...(existing ? [dropRelationSql(existing, target)] : []),
      `alter ${kind} ${relation(temp)} rename to ${ident(target.name)}`,
      ...input.indexes.map((i) => `alter index ${relation(sibling(target, tempIndexName(i)))} rename to ${ident(i.name)}`),
      // The old relation's privileges, then the configured ones (skipping those it already had).
      ...new Set([...(existing?.grants ?? []), ...input.finish]),
      ...recreateDependents(dependents),
    ],
  };
  return { steps: [build, swap], cleanup: [`drop ${kind} if exists ${relation(temp)}`] };
}

/**
 * Rows are written in the order the query returns them, so within a key the highest ctid is the
 * last one returned. PARTITION BY groups NULL keys together, as the NULLS NOT DISTINCT index does.
 */
function deleteEarlierDuplicates(temp: Target, key: string[]): string {
  const keyList = key.map(ident).join(", ");
  return (
    `delete from ${relation(temp)} where ctid in (select ctid from (select ctid, row_number() over (partition by ${keyList} order by ctid desc) as n ` +
    `from ${relation(temp)}) as ranked where n > 1)`
  );
}

/** `drop table|view|materialized view` for what exists now — plain, never CASCADE. */
export function dropRelationSql(existing: RelationInfo, target: Target): string {
  return `drop ${replaceableKind(existing)} ${relation(target)}`;
}

function replaceableKind(existing: RelationInfo): RelationSqlKind {
  switch (existing.kind) {
    case "table":
      return "table";
    case "view":
      return "view";
    case "materialized_view":
      return "materialized view";
    default:
      throw new StrataError(
        `"${existing.schema}.${existing.name}" exists as a ${existing.kind.replace("_", " ")} that Strata did not build; drop or rename it before running this action`,
        ExitCode.actionFailed,
      );
  }
}
