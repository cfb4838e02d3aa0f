// type: "assertion" — a view in the assertion schema whose rows are the failures; the runner
// counts them and keeps a small sample. Published like any view (view.ts), so an assertion whose
// columns changed is replaced, not refused.
import type { Assertion } from "../../graph/types";
import type { ActionPlan } from "../plan";
import { relationKey, type WarehouseState } from "../../warehouse/warehouse";
import { ensureSchemaSteps } from "./schema";
import { relation } from "./sql-text";
import { planViewPublish } from "./view";

export const SAMPLE_SIZE = 5;

export function planAssertion(action: { kind: "assertion" } & Assertion, state: WarehouseState): ActionPlan {
  const { target } = action;
  const publish = planViewPublish(target, action.query, state.relations.get(relationKey(target)), []);
  return {
    target,
    materialization: "assertion",
    steps: [...ensureSchemaSteps(target, state), publish.step],
    cleanup: [],
    notices: publish.notices,
    check: {
      countSql: `select count(*) as failing_rows from ${relation(target)}`,
      sampleSql: `select * from ${relation(target)} limit ${SAMPLE_SIZE}`,
    },
  };
}
