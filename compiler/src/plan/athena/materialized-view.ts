// type: "view" with materialized: true — Athena SQL has no materialized views, so it is built as
// an Iceberg table, rebuilt on every run exactly like type "table" (see table.ts), with a notice.
import type { Table } from "../../graph/types";
import type { WarehouseState } from "../../warehouse/warehouse";
import type { ActionPlan, PlanOptions } from "../plan";
import { ignoredOptionNotices } from "./plan-context";
import { rebuildSteps } from "./table";

export function planMaterializedView(action: { kind: "table" } & Table, state: WarehouseState, options: PlanOptions): ActionPlan {
  return {
    target: action.target,
    materialization: "materialized_view",
    ...rebuildSteps(action, action.query, state, options, action.preOps, action.postOps),
    notices: [
      `Athena has no materialized views: ${action.target.schema}.${action.target.name} is built as an Iceberg table, rebuilt on every run`,
      ...ignoredOptionNotices(action),
    ],
  };
}
