// From scheduler results to the RunResults of run_results.json: names, totals, status, exit code.
import { ExitCode } from "../errors";
import { targetKey } from "../graph/select";
import type { ResolvedTarget } from "../project/targets";
import { redact } from "../redact";
import { actionType } from "./progress";
import type { ActionResult, ActionStatus, RunResults } from "./results";
import type { ScheduledResult } from "./scheduler";

export function toActionResult(r: ScheduledResult): ActionResult {
  const { action, ...rest } = r;
  const result: ActionResult = {
    name: targetKey(action.target),
    target: action.target,
    type: actionType(action),
    ...rest,
  };
  if (result.error) result.error = redact(result.error);
  if (result.blockedBy && result.blockedBy.length === 0) delete result.blockedBy;
  return result;
}

export function buildRunResults(input: {
  runId: string;
  target: Pick<ResolvedTarget, "name" | "adapter">;
  startedAt: Date;
  actions: ActionResult[];
  cancelled: boolean;
}): RunResults {
  const totals: Record<ActionStatus, number> = { success: 0, failed: 0, skipped: 0, warned: 0, cancelled: 0, disabled: 0 };
  let bytes: number | undefined;
  for (const a of input.actions) {
    totals[a.status]++;
    if (a.bytesScanned !== undefined) bytes = (bytes ?? 0) + a.bytesScanned;
  }
  const cancelled = input.cancelled || totals.cancelled > 0;
  const status = cancelled ? "cancelled" : totals.failed > 0 || totals.skipped > 0 ? "failed" : "success";
  const finishedAt = new Date();
  return {
    runId: input.runId,
    target: input.target.name,
    adapter: input.target.adapter,
    startedAt: input.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - input.startedAt.getTime(),
    status,
    exitCode: status === "success" ? ExitCode.ok : ExitCode.actionFailed,
    actions: input.actions,
    totals,
    ...(bytes !== undefined ? { bytesScanned: bytes } : {}),
  };
}
