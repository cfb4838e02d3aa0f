// Opens the warehouse a target names. The driver modules load their engine (pg, PGlite's WASM,
// the AWS SDK) only when a warehouse is created or connected, so commands that never touch a
// warehouse (`strata compile`, `lint`, `docs`) never pay for them.
import { UserError } from "../errors";
import type { ResolvedTarget } from "../project/targets";
import { PgliteWarehouse, pgliteOptionsFromTarget } from "./pglite";
import { PostgresWarehouse, postgresOptionsFromTarget } from "./postgres";
import type { Warehouse } from "./warehouse";

export interface CreateWarehouseOptions {
  /** Relative paths in the target (PGlite's `path`) resolve against this. */
  projectDir: string;
  /** dataform.json concurrentQueryLimit or --concurrency: sizes the postgres pool. */
  concurrency?: number;
  /** Overrides the target's statementTimeoutMs. */
  statementTimeoutMs?: number;
}

export function createWarehouse(target: ResolvedTarget, options: CreateWarehouseOptions): Warehouse {
  switch (target.adapter) {
    case "pglite":
      return new PgliteWarehouse(pgliteOptionsFromTarget(target.config, options.projectDir));
    case "postgres":
      return new PostgresWarehouse(postgresOptionsFromTarget(target, options));
    case "athena":
      return createAthenaWarehouse(target, options);
    default:
      throw new UserError(`target "${target.name}" has unknown adapter "${String(target.adapter)}"`, { file: target.file });
  }
}

type AthenaModule = { createAthenaWarehouse?: (target: ResolvedTarget, options: CreateWarehouseOptions) => Warehouse };

function createAthenaWarehouse(target: ResolvedTarget, options: CreateWarehouseOptions): Warehouse {
  let athena: AthenaModule;
  try {
    athena = require("./athena") as AthenaModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw err;
    if (__filename.endsWith(".ts")) {
      // Running from sources (vitest): Node's require cannot load the TypeScript module.
      throw new Error("createWarehouse cannot require the athena adapter from TypeScript sources; use createAthenaWarehouse from warehouse/athena in tests");
    }
    throw new UserError(`target "${target.name}" uses the athena adapter, which is not available in this build`, { file: target.file });
  }
  if (typeof athena.createAthenaWarehouse !== "function") {
    throw new UserError(`target "${target.name}" uses the athena adapter, which is not available in this build`, { file: target.file });
  }
  return athena.createAthenaWarehouse(target, options);
}

export type { Warehouse } from "./warehouse";
export { WarehouseError, CancelledError, isTransientError } from "./warehouse-error";
