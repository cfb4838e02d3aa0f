// type: "table" — rebuilt in full on every run:
//
//   create table "s"."t__strata_tmp_<run>" as <query>;      -- build step, invisible to readers
//   create index … on "s"."t__strata_tmp_<run>" (…);
//   begin;
//     drop view <dependents, deepest first>;
//     drop table "s"."t";
//     alter table "s"."t__strata_tmp_<run>" rename to "t";
//     alter index … rename to …;  grant …;  comment on …;
//     create view <dependents, from their stored definitions>;  grant …;  comment …;
//   commit;
//   <post_operations>
import type { Table } from "../../graph/types";
import type { ActionPlan, PlanOptions, PlanStep } from "../plan";
import { relationKey, type RelationInfo, type WarehouseState } from "../../warehouse/warehouse";
import { columnCommentStatements, commentSql, grantStatements, plannedIndexes, storageParameters } from "./relation-metadata";
import { ensureSchemaSteps } from "./schema";
import { withoutTrailingSemicolon } from "./sql-text";
import { planBuildAndSwap } from "./swap";

export type TableAction = { kind: "table" } & Table;

export function planTable(action: TableAction, state: WarehouseState, options: PlanOptions): ActionPlan {
  const existing = state.relations.get(relationKey(action.target));
  return planFullBuild(action, state, options, existing, {
    query: action.query,
    preOps: action.preOps ?? [],
    postOps: action.postOps ?? [],
    uniqueKeyIndex: true,
    materialization: "table",
  });
}

export interface FullBuild {
  query: string;
  preOps: string[];
  postOps: string[];
  uniqueKeyIndex: boolean;
  /** Incrementals merged on a key: one row per key, as later runs guarantee. */
  deduplicateOn?: string[];
  materialization: string;
  notices?: string[];
}

/** Tables, and incrementals built from scratch: build into a temp table, swap it in. */
export function planFullBuild(
  action: TableAction,
  state: WarehouseState,
  options: PlanOptions,
  existing: RelationInfo | undefined,
  build: FullBuild,
): ActionPlan {
  const { target } = action;
  const notices = [...(build.notices ?? [])];
  if (existing && existing.kind !== "table") notices.push(`replacing the ${existing.kind.replace("_", " ")} "${target.schema}.${target.name}" with a table`);
  const description = action.actionDescriptor?.description ?? (existing?.kind === "table" ? existing.comment : undefined);
  const { steps, cleanup } = planBuildAndSwap({
    target,
    kind: "table",
    existing,
    runId: options.runId,
    query: withoutTrailingSemicolon(build.query),
    before: build.preOps,
    indexes: plannedIndexes(action, build.uniqueKeyIndex),
    storage: storageParameters(action),
    deduplicateOn: build.deduplicateOn,
    finish: [
      ...grantStatements(action, target),
      ...(description !== undefined ? [commentSql("table", target, description)] : []),
      ...columnCommentStatements(target, action.actionDescriptor?.columns),
    ],
  });
  return {
    target,
    materialization: build.materialization,
    steps: [...ensureSchemaSteps(target, state), ...steps, ...postOperationsSteps(build.postOps)],
    cleanup,
    notices,
  };
}

export function postOperationsSteps(postOps: string[]): PlanStep[] {
  return postOps.length ? [{ description: "post_operations", transactional: false, statements: postOps }] : [];
}

export function preOperationsSteps(preOps: string[]): PlanStep[] {
  return preOps.length ? [{ description: "pre_operations", transactional: false, statements: preOps }] : [];
}
