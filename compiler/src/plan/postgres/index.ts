// PostgreSQL plans (PostgreSQL 15–18, Aurora, PGlite): one materialization per file.
import type { PlanFunction } from "../plan";
import { planAssertion } from "./assertion";
import { planDeclaration } from "./declaration";
import { planIncremental } from "./incremental";
import { planMaterializedView } from "./materialized-view";
import { planOperations } from "./operations";
import { planTable } from "./table";
import { planView } from "./view";

export const planPostgres: PlanFunction = (action, state, options) => {
  switch (action.kind) {
    case "table":
      if (action.type === "incremental") return planIncremental(action, state, options);
      if (action.type === "view") return action.materialized ? planMaterializedView(action, state, options) : planView(action, state);
      return planTable(action, state, options);
    case "assertion":
      return planAssertion(action, state);
    case "operation":
      return planOperations(action);
    case "declaration":
      return planDeclaration(action);
  }
};

export { findLeftoversSql, dropLeftoversStatements, type Leftover } from "./leftovers";
