// type: "assertion" — a view in the assertion database whose rows are the failures; the runner
// counts them and keeps a small sample.
import type { Assertion } from "../../graph/types";
import type { WarehouseState } from "../../warehouse/warehouse";
import type { ActionPlan } from "../plan";
import { trinoName } from "./athena-sql";
import { ensureDatabaseSteps } from "./plan-context";
import { createView } from "./view";

export const SAMPLE_SIZE = 5;

export function planAssertion(action: { kind: "assertion" } & Assertion, state: WarehouseState): ActionPlan {
  const { target } = action;
  return {
    target,
    materialization: "assertion",
    steps: [...ensureDatabaseSteps(target, state), { description: "create or replace the assertion view", statements: [createView(target, action.query)], transactional: false }],
    cleanup: [],
    notices: [],
    check: {
      countSql: `select count(*) as failing_rows from ${trinoName(target)}`,
      sampleSql: `select * from ${trinoName(target)} limit ${SAMPLE_SIZE}`,
    },
  };
}
