// type: "view" — and the views assertions are published as.
//
// First build:   begin; create view "s"."v" as <query>; grant …; comment …; commit;
// Later runs:    begin; do $$ create or replace view …, falling back on error 42P16 to
//                drop + create (with the views built on it); $$; grant …; comment …; commit;
//
// Why a DO block: `create or replace view` keeps privileges, comments and dependent views, but
// PostgreSQL refuses it (42P16 invalid_table_definition) when a column was removed, renamed or
// retyped. Which case applies depends on the new query's columns, known only once PostgreSQL has
// parsed it — so the plan cannot choose, and the database does: the fast path is tried in a
// sub-transaction and only on 42P16 is the view dropped and recreated, together with its
// dependents (from their stored definitions) and its privileges. Always dropping would
// re-materialize every dependent materialized view on every run. Either way it is one transaction:
// readers never see the view missing.
import type { Target } from "../../graph/types";
import type { ActionPlan, PlanStep } from "../plan";
import { relationKey, type RelationInfo, type WarehouseState } from "../../warehouse/warehouse";
import { dropDependents, recreateDependents } from "./dependents";
import { columnCommentStatements, commentSql, grantStatements } from "./relation-metadata";
import { ensureSchemaSteps } from "./schema";
import { dollarQuote, relation, withoutTrailingSemicolon } from "./sql-text";
import { dropRelationSql } from "./swap";
import { postOperationsSteps, preOperationsSteps, type TableAction } from "./table";

export function planView(action: TableAction, state: WarehouseState): ActionPlan {
  const { target } = action;
  const existing = state.relations.get(relationKey(target));
  const description = action.actionDescriptor?.description;
  const publish = planViewPublish(target, action.query, existing, [
    ...grantStatements(action, target),
    ...(description !== undefined ? [commentSql("view", target, description)] : []),
    ...columnCommentStatements(target, action.actionDescriptor?.columns),
  ]);
  return {
    target,
    materialization: "view",
    steps: [
      ...ensureSchemaSteps(target, state),
      ...preOperationsSteps(action.preOps ?? []),
      publish.step,
      ...postOperationsSteps(action.postOps ?? []),
    ],
    cleanup: [],
    notices: publish.notices,
  };
}

/** The one transaction that creates or replaces a view; `finish` runs after it (grants, comments). */
export function planViewPublish(
  target: Target,
  query: string,
  existing: RelationInfo | undefined,
  finish: string[],
): { step: PlanStep; notices: string[] } {
  const create = `create view ${relation(target)} as ${withoutTrailingSemicolon(query)}`;
  if (!existing) {
    return { step: { description: `create view ${target.name}`, transactional: true, statements: [create, ...finish] }, notices: [] };
  }
  const dependents = existing.dependents;
  const replaceWhole = [
    ...dropDependents(dependents),
    dropRelationSql(existing, target),
    create,
    ...existing.grants,
    ...(existing.comment !== undefined ? [commentSql("view", target, existing.comment)] : []),
    ...recreateDependents(dependents),
  ];
  if (existing.kind !== "view") {
    return {
      step: { description: `replace ${existing.kind.replace("_", " ")} with view ${target.name}`, transactional: true, statements: [...replaceWhole, ...finish] },
      notices: [`replacing the ${existing.kind.replace("_", " ")} "${target.schema}.${target.name}" with a view`],
    };
  }
  const createOrReplace = `create or replace view ${relation(target)} as ${withoutTrailingSemicolon(query)}`;
  const body = [
    "",
    "begin",
    `  execute ${dollarQuote(createOrReplace)};`,
    "exception when invalid_table_definition then",
    "  -- a column was removed, renamed or retyped: replace the view and the views built on it",
    ...replaceWhole.map((sql) => `  execute ${dollarQuote(sql)};`),
    "end",
    "",
  ].join("\n");
  return {
    step: { description: `create or replace view ${target.name}`, transactional: true, statements: [`do ${dollarQuote(body, "strata")}`, ...finish] },
    notices: [],
  };
}
