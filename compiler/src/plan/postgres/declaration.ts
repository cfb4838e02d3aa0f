// type: "declaration" — a source Strata does not build. Nothing runs; the runner checks that it
// exists so a missing source fails here, with its name, rather than inside every model reading it.
import type { Declaration } from "../../graph/types";
import type { ActionPlan } from "../plan";

export function planDeclaration(action: { kind: "declaration" } & Declaration): ActionPlan {
  const { target } = action;
  return {
    target,
    materialization: "declaration",
    steps: [],
    cleanup: [],
    notices: [],
    requireExists: { target, message: `declared source "${target.schema}.${target.name}" does not exist in the warehouse` },
  };
}
