// type: "operations" — the statements as written, in order. Athena has no transactions, so a
// failure leaves the earlier statements applied.
import type { Operation } from "../../graph/types";
import type { ActionPlan } from "../plan";
import { body } from "./athena-sql";

export function planOperations(action: { kind: "operation" } & Operation): ActionPlan {
  const statements = action.queries.map(body).filter((q) => q.length > 0);
  return {
    target: action.target,
    materialization: "operations",
    steps: statements.length > 0 ? [{ description: "run the operations", statements, transactional: false }] : [],
    cleanup: [],
    notices: [],
  };
}
