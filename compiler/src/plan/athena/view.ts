// type: "view" — `create or replace view`, which Athena applies in one Glue update: readers see the
// old definition or the new one. A table of the same name is dropped first (with its data).
import type { Table } from "../../graph/types";
import { relationKey, type WarehouseState } from "../../warehouse/warehouse";
import type { ActionPlan } from "../plan";
import { body, ddlName, trinoName } from "./athena-sql";
import { ensureDatabaseSteps, ignoredOptionNotices, opsStep } from "./plan-context";

export function planView(action: { kind: "table" } & Table, state: WarehouseState): ActionPlan {
  const { target } = action;
  const existing = state.relations.get(relationKey(target));
  const notices = existing && existing.kind !== "view" ? [`${target.schema}.${target.name} was a table and is replaced by a view`] : [];
  notices.push(...ignoredOptionNotices(action));
  return {
    target,
    materialization: "view",
    steps: [
      ...ensureDatabaseSteps(target, state),
      ...opsStep("pre_operations", action.preOps),
      ...(existing && existing.kind !== "view" ? [{ description: "drop the table the view replaces", statements: [`drop table if exists ${ddlName(target)}`], transactional: false }] : []),
      { description: "create or replace the view", statements: [createView(target, action.query)], transactional: false },
      ...opsStep("post_operations", action.postOps),
    ],
    cleanup: [],
    notices,
  };
}

export function createView(target: Table["target"], query: string): string {
  return `create or replace view ${trinoName(target)} as\n${body(query)}`;
}
