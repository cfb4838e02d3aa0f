// type: "operations" — the user's statements, in order, in one session and outside any
// transaction (they may hold statements that cannot run in one, such as VACUUM or
// CREATE INDEX CONCURRENTLY). With hasOutput the statements create the target themselves.
import type { Operation } from "../../graph/types";
import type { ActionPlan } from "../plan";

export function planOperations(action: { kind: "operation" } & Operation): ActionPlan {
  const statements = action.queries.filter((q) => q.trim() !== "");
  return {
    target: action.target,
    materialization: "operations",
    steps: statements.length ? [{ description: "operations", transactional: false, statements }] : [],
    cleanup: [],
    notices: [],
  };
}
