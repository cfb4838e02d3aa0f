// type: "table" — an Iceberg table rebuilt on every run, never half-visible:
//   1. CTAS into `<name>__strata_tmp_<run>` at a fresh location `<s3Data><schema>/<name>/<run>/`.
//      Readers of `<name>` still see the previous version, complete.
//   2. ALTER TABLE `<name>` RENAME TO `<name>__strata_old_<run>`   (only if it exists)
//   3. ALTER TABLE `<name>__strata_tmp_<run>` RENAME TO `<name>`
//   4. DROP TABLE `<name>__strata_old_<run>`  — Iceberg tables are managed: this deletes the old data.
// The window: between 2 and 3 (two Glue metadata updates, well under a second) a query naming
// `<name>` fails with TABLE_NOT_FOUND. Athena has no atomic swap: renames are the only tool, and a
// name can point at one table only. Readers never see a partial or empty table.
// Failure: a failed CTAS registers no table, but the files it had written may remain under
// `.../<run>/` (Athena does not roll back S3 writes): the run id in the path makes them easy to
// find, and an S3 lifecycle rule on the prefix removes them. Cleanup renames the old version back if
// the swap stopped between 2 and 3, then drops the temp table (and with it its data).
import type { Table } from "../../graph/types";
import { relationKey, type WarehouseState } from "../../warehouse/warehouse";
import type { ActionPlan, PlanOptions, PlanStep } from "../plan";
import { body, ddlName, siblingTarget, tableLocation, trinoName } from "./athena-sql";
import { icebergOptions, icebergWithClause } from "./iceberg-options";
import { ensureDatabaseSteps, ignoredOptionNotices, opsStep, s3DataOf } from "./plan-context";

type TableAction = { kind: "table" } & Table;

export function planTable(action: TableAction, state: WarehouseState, options: PlanOptions): ActionPlan {
  return {
    target: action.target,
    materialization: "table",
    ...rebuildSteps(action, action.query, state, options, action.preOps, action.postOps),
    notices: ignoredOptionNotices(action),
  };
}

/** The build-and-swap sequence shared by tables, first builds of incrementals and materialized views. */
export function rebuildSteps(
  action: TableAction,
  query: string,
  state: WarehouseState,
  options: PlanOptions,
  preOps: string[] | undefined,
  postOps: string[] | undefined,
): { steps: PlanStep[]; cleanup: string[] } {
  const { target } = action;
  const tmp = siblingTarget(target, "tmp", options.runId);
  const old = siblingTarget(target, "old", options.runId);
  const iceberg = icebergOptions(action.strata?.athena, action.strata?.location, `${target.schema}.${target.name}`);
  const location = tableLocation(s3DataOf(options), target, options.runId);
  const existing = state.relations.get(relationKey(target));

  const swap: string[] = [];
  if (existing?.kind === "view") swap.push(`drop view if exists ${trinoName(target)}`);
  else if (existing) swap.push(`alter table ${ddlName(target)} rename to ${ddlName(old)}`);
  swap.push(`alter table ${ddlName(tmp)} rename to ${ddlName(target)}`);
  if (existing && existing.kind !== "view") swap.push(`drop table ${ddlName(old)}`);

  return {
    steps: [
      ...ensureDatabaseSteps(target, state),
      ...opsStep("pre_operations", preOps),
      {
        description: `build into temp Iceberg table ${tmp.name} at ${location}`,
        statements: [`create table ${trinoName(tmp)}\n${icebergWithClause(iceberg, location)}\nas\n${body(query)}`],
        transactional: false,
      },
      { description: existing ? "swap the new table in by rename; drop the old one and its data" : "publish the new table by rename", statements: swap, transactional: false },
      ...opsStep("post_operations", postOps),
    ],
    cleanup: [
      // Only succeeds if the swap stopped after renaming the live table away: puts it back.
      ...(existing && existing.kind !== "view" ? [`alter table ${ddlName(old)} rename to ${ddlName(target)}`] : []),
      `drop table if exists ${ddlName(tmp)}`,
    ],
  };
}
