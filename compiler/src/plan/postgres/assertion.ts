// type: "assertion" — a view in the assertion schema whose rows are the failures; the runner
// counts them and keeps a small sample. Published like any view (view.ts), so an assertion whose
// columns changed is replaced, not refused.
//
// Inline assertions of an incremental table with `assertions.newRowsOnly`: when this run updated
// the table incrementally, the runner counts the failures among the rows the update wrote (kept
// until the run ends, see incremental.ts) instead of reading the view, which still shows the whole
// table. Rows written by earlier runs were checked by those runs; a full refresh checks them all.
import { inlineAssertionSql } from "../../graph/inline-assertion-sql";
import type { Assertion } from "../../graph/types";
import type { ActionPlan } from "../plan";
import { relationKey, type WarehouseState } from "../../warehouse/warehouse";
import { ensureSchemaSteps } from "./schema";
import { latestRowPerKey } from "./incremental";
import { relation } from "./sql-text";
import { planViewPublish } from "./view";

export const SAMPLE_SIZE = 5;

export function planAssertion(action: { kind: "assertion" } & Assertion, state: WarehouseState): ActionPlan {
  const { target } = action;
  const publish = planViewPublish(target, action.query, state.relations.get(relationKey(target)), []);
  const scoped = newRowsQuery(action, state);
  const failing = scoped ? `(${scoped.failing}) as failing` : relation(target);
  return {
    target,
    materialization: "assertion",
    steps: [...ensureSchemaSteps(target, state), publish.step],
    cleanup: [],
    notices: publish.notices,
    check: {
      // A scan that stops at the first suspect row decides, in the usual case, that nothing fails;
      // the exact count (the CASE evaluates it only then) runs only if one exists.
      countSql: scoped?.suspects
        ? `select case when exists (${scoped.suspects}) then (select count(*) from ${failing}) else 0 end as failing_rows`
        : `select count(*) as failing_rows from ${failing}`,
      sampleSql: `select * from ${failing} limit ${SAMPLE_SIZE}`,
    },
  };
}

/**
 * `assertions.newRowsOnly`: the failing rows among those the parent's incremental update wrote in
 * this run, if it ran; with `suspects`, a cheaper query that returns a row whenever `failing` does.
 */
function newRowsQuery(action: Assertion, state: WarehouseState): { failing: string; suspects?: string } | undefined {
  const { parentAction: parent, strata } = action;
  const check = strata?.newRowsCheck;
  const rows = parent && state.newRows?.get(relationKey(parent));
  if (!check || !parent || !rows) return undefined;
  if (check.kind === "uniqueKey") {
    // Only the keys written can have gained a duplicate; their groups are read through the key's index.
    const columns = check.columns.join(", ");
    return { failing: inlineAssertionSql(`(select * from ${relation(parent)} where (${columns}) in (select ${columns} from ${relation(rows.relation)})) as written_keys`, check) };
  }
  if (!rows.key) return { failing: inlineAssertionSql(relation(rows.relation), check) };
  // The rows the merge wrote are the last per key, which takes a sort to pick (once for all the
  // conditions); but if no new row at all fails a condition, none of those can.
  return {
    failing: `with written as ${latestRowPerKey(rows.relation, rows.key)}${inlineAssertionSql("written", check)}`,
    suspects: `select 1 from ${relation(rows.relation)} where ${check.conditions.map((c) => `not (${c})`).join(" or ")}`,
  };
}
