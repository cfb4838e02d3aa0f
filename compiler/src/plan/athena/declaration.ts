// type: "declaration" — nothing to run; the source must exist in the Glue catalog.
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
    requireExists: { target, message: `declared source ${target.schema}.${target.name} does not exist in Athena (Glue database ${target.schema.toLowerCase()})` },
  };
}
