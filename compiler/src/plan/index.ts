// The plan function for a warehouse dialect. Athena's plan (and the AWS-specific code it pulls
// in) is loaded only when an Athena target is used.
import type { WarehouseKind } from "../graph/types";
import type { PlanFunction } from "./plan";
import { planPostgres } from "./postgres";

export function planFor(dialect: WarehouseKind): PlanFunction {
  if (dialect === "postgres") return planPostgres;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const athena = require("./athena") as { planAthena: PlanFunction };
  return athena.planAthena;
}
