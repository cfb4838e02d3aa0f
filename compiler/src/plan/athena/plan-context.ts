// What every Athena materialization needs besides the action: the target's data location and
// whether the action's Glue database exists yet.
import { UserError } from "../../errors";
import type { Target } from "../../graph/types";
import { athenaSettingsFromTarget } from "../../warehouse/athena/athena-config";
import type { WarehouseState } from "../../warehouse/warehouse";
import type { PlanOptions, PlanStep } from "../plan";
import { ddlIdentifier } from "./athena-sql";

/** `s3Data` of the athena target the run uses (tables are written under it). */
export function s3DataOf(options: PlanOptions): string {
  const target = options.target;
  if (!target || target.adapter !== "athena") {
    throw new UserError("the Athena plan needs the athena target from targets.yaml (its s3Data says where tables are written)");
  }
  return athenaSettingsFromTarget(target).s3Data;
}

/** `create database if not exists` when the Glue database is not there yet (always, on a dry run's empty state). */
export function ensureDatabaseSteps(target: Target, state: WarehouseState): PlanStep[] {
  if (state.schemas.has(target.schema)) return [];
  return [{ description: `create Glue database ${target.schema.toLowerCase()}`, statements: [`create database if not exists ${ddlIdentifier(target.schema)}`], transactional: false }];
}

export function opsStep(description: string, statements: string[] | undefined): PlanStep[] {
  const list = (statements ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
  return list.length > 0 ? [{ description, statements: list, transactional: false }] : [];
}

/** PostgreSQL-only options set on the action, which Athena ignores: said once, in the plan's notices. */
export function ignoredOptionNotices(action: { target: Target; strata?: { grants?: unknown; indexes?: unknown } }): string[] {
  const name = `${action.target.schema}.${action.target.name}`;
  const notices: string[] = [];
  if (action.strata?.grants) notices.push(`${name}: grants are not applied on Athena; use Lake Formation permissions`);
  if (action.strata?.indexes) notices.push(`${name}: indexes do not exist on Athena; use athena.partitionBy`);
  return notices;
}
