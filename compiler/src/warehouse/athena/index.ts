// The Athena adapter's entry point, required lazily by warehouse/index.ts so other commands never
// load the AWS SDK.
import type { ResolvedTarget } from "../../project/targets";
import type { Warehouse } from "../warehouse";
import { athenaSettingsFromTarget } from "./athena-config";
import { AthenaWarehouse, type AthenaDriverDeps } from "./athena-driver";

export function createAthenaWarehouse(
  target: ResolvedTarget,
  options: { projectDir: string; concurrency?: number; statementTimeoutMs?: number },
  deps: AthenaDriverDeps = {},
): Warehouse {
  const settings = athenaSettingsFromTarget(target);
  return new AthenaWarehouse(
    {
      ...settings,
      maxConcurrency: settings.maxConcurrency ?? options.concurrency,
      queryTimeoutMs: options.statementTimeoutMs ?? settings.queryTimeoutMs,
    },
    deps,
  );
}

export { AthenaWarehouse, DEFAULT_TIMINGS } from "./athena-driver";
export type { AthenaDriverDeps, AthenaQueryResult, AthenaTimings, AthenaUsage } from "./athena-driver";
export { athenaSettingsFromTarget, glueDatabaseFor } from "./athena-config";
export type { AthenaSettings } from "./athena-config";
export { estimateAthenaCostUsd, estimateQueryCostUsd, formatUsd, USD_PER_TB } from "./athena-cost";
