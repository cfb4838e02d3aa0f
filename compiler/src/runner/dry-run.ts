// `strata run --dry-run`: the exact SQL a run would execute, action by action, in run order, with
// each step's description as a comment. Transactional steps show the BEGIN/COMMIT the runner adds.
import { targetKey } from "../graph/select";
import type { GraphAction, WarehouseKind } from "../graph/types";
import type { ActionPlan } from "../plan/plan";
import { actionType } from "./progress";

export interface PlannedAction {
  action: GraphAction;
  plan?: ActionPlan;
  /** Planning failed (e.g. an unsupported option): the one-line reason. */
  error?: string;
}

function statement(sql: string): string {
  const trimmed = sql.trim();
  return trimmed.endsWith(";") ? trimmed : `${trimmed};`;
}

function comment(text: string): string {
  return text
    .split("\n")
    .map((line) => `-- ${line}`)
    .join("\n");
}

export function formatDryRunSql(planned: PlannedAction[], dialect: WarehouseKind, header: string[]): string {
  const blocks: string[] = [header.map(comment).join("\n")];
  for (const { action, plan, error } of planned) {
    const lines: string[] = [comment(`${targetKey(action.target)} (${actionType(action)})`)];
    if ("disabled" in action && action.disabled) {
      lines.push(comment("disabled: not run"));
    } else if (error || !plan) {
      lines.push(comment(`cannot plan: ${error ?? "no plan"}`));
    } else {
      for (const notice of plan.notices) lines.push(comment(`notice: ${notice}`));
      if (plan.requireExists) lines.push(comment(`requires ${targetKey(plan.requireExists.target)} to exist`));
      for (const step of plan.steps) {
        if (step.statements.length === 0) continue;
        lines.push(comment(step.description));
        const transaction = step.transactional && dialect === "postgres";
        if (transaction) lines.push("begin;");
        for (const sql of step.statements) lines.push(statement(sql));
        if (transaction) lines.push("commit;");
      }
      if (plan.newRows) {
        lines.push(comment(`keeps the new rows in ${targetKey(plan.newRows.relation)} for the inline assertions (assertions.newRowsOnly); when the run ends:`));
        for (const sql of plan.cleanup) lines.push(statement(sql));
      }
      if (plan.check) {
        lines.push(comment("count failing rows"));
        lines.push(statement(plan.check.countSql));
      }
    }
    blocks.push(lines.join("\n"));
  }
  return `${blocks.join("\n\n")}\n`;
}

/** The machine form of a dry run (`--dry-run --json`). */
export function dryRunJson(planned: PlannedAction[]): Record<string, unknown>[] {
  return planned.map(({ action, plan, error }) => ({
    name: targetKey(action.target),
    type: actionType(action),
    disabled: ("disabled" in action && action.disabled) || undefined,
    error,
    materialization: plan?.materialization,
    steps: plan?.steps,
    check: plan?.check,
    requireExists: plan?.requireExists,
    notices: plan?.notices,
  }));
}
