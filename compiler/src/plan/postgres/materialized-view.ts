// type: "view", materialized: true.
//
// First build (one transaction):
//   create materialized view "s"."mv" as <query> with data; create unique index … (<uniqueKey>);
//   grant …; comment on materialized view … is '<description>\nstrata:hash=<definition hash>';
// Later runs, same definition hash (query, uniqueKey, indexes):
//   refresh materialized view concurrently "s"."mv"   -- readers keep reading; needs the unique index
//   (plain `refresh materialized view` without a uniqueKey: readers wait for it)
// Later runs, changed definition: build "mv__strata_tmp_<run>" with data, then swap it in like a
// table (swap.ts) — readers use the old one until the swap commits.
import type { ActionPlan, PlanOptions, PlanStep } from "../plan";
import { formatStrataHash } from "../../warehouse/strata-comment";
import { relationKey, type WarehouseState } from "../../warehouse/warehouse";
import { definitionHash } from "../hash";
import {
  columnCommentStatements,
  commentSql,
  createIndexSql,
  grantStatements,
  hasUniqueIndexOn,
  plannedIndexes,
} from "./relation-metadata";
import { ensureSchemaSteps } from "./schema";
import { relation, withoutTrailingSemicolon } from "./sql-text";
import { planBuildAndSwap } from "./swap";
import { postOperationsSteps, preOperationsSteps, type TableAction } from "./table";

export function planMaterializedView(action: TableAction, state: WarehouseState, options: PlanOptions): ActionPlan {
  const { target } = action;
  const name = `${target.schema}.${target.name}`;
  const query = withoutTrailingSemicolon(action.query);
  const uniqueKey = action.uniqueKey ?? [];
  const indexes = plannedIndexes(action, true);
  const hash = definitionHash({ query, uniqueKey, indexes: action.strata?.indexes ?? [] });
  const comment = formatStrataHash(hash, action.actionDescriptor?.description);
  const existing = state.relations.get(relationKey(target));
  const finish = (withComment: boolean) => [
    ...grantStatements(action, target),
    ...(withComment ? [commentSql("materialized view", target, comment)] : []),
    ...columnCommentStatements(target, action.actionDescriptor?.columns),
  ];
  const around = (steps: PlanStep[]) => [
    ...ensureSchemaSteps(target, state),
    ...preOperationsSteps(action.preOps ?? []),
    ...steps,
    ...postOperationsSteps(action.postOps ?? []),
  ];
  const plan = (steps: PlanStep[], cleanup: string[], notices: string[]): ActionPlan => ({
    target,
    materialization: "materialized_view",
    steps: around(steps),
    cleanup,
    notices,
  });

  if (!existing) {
    return plan(
      [
        {
          description: `create materialized view ${target.name}`,
          transactional: true,
          statements: [
            `create materialized view ${relation(target)} as ${query}\nwith data`,
            ...indexes.map((i) => createIndexSql(i, i.name, target)),
            ...finish(true),
          ],
        },
      ],
      [],
      [],
    );
  }

  if (existing.kind === "materialized_view" && existing.definitionHash === hash) {
    const notices: string[] = [];
    let concurrently = uniqueKey.length > 0;
    if (concurrently && !hasUniqueIndexOn(existing.indexes, uniqueKey)) {
      concurrently = false;
      notices.push(`materialized view "${name}" has no unique index on (${uniqueKey.join(", ")}): refreshed without CONCURRENTLY`);
    }
    const steps: PlanStep[] = [
      {
        // CONCURRENTLY cannot run inside a transaction block.
        description: `refresh materialized view ${target.name}`,
        transactional: false,
        statements: [`refresh materialized view ${concurrently ? "concurrently " : ""}${relation(target)}`],
      },
    ];
    const after = finish(existing.comment !== comment);
    if (after.length) steps.push({ description: "grants and comments", transactional: true, statements: after });
    return plan(steps, [], notices);
  }

  const why =
    existing.kind !== "materialized_view"
      ? `a ${existing.kind.replace("_", " ")} had its name`
      : existing.definitionHash
        ? "its definition changed"
        : "it carries no definition hash from Strata";
  const { steps, cleanup } = planBuildAndSwap({
    target,
    kind: "materialized view",
    existing,
    runId: options.runId,
    query,
    before: [],
    indexes,
    finish: finish(true),
  });
  return plan(steps, cleanup, [`materialized view "${name}" rebuilt because ${why}`]);
}
