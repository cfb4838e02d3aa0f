// The target's schema. Planned only when the warehouse does not have it: `create schema if not
// exists` still needs CREATE on the database, which a role writing into an existing schema may lack.
import type { Target } from "../../graph/types";
import type { PlanStep } from "../plan";
import { relationKey, type WarehouseState } from "../../warehouse/warehouse";
import { ident } from "./sql-text";

export function ensureSchemaSteps(target: Target, state: WarehouseState): PlanStep[] {
  if (state.schemas.has(target.schema) || state.relations.has(relationKey(target))) return [];
  // CREATE SCHEMA takes no database qualifier: it always creates in the connected database.
  return [{ description: `create schema ${target.schema}`, transactional: false, statements: [`create schema if not exists ${ident(target.schema)}`] }];
}
