// The shape of `.strata/run_results.json`: one entry per selected action. Docs and alerts read it.
import type { Target } from "../graph/types";

export type ActionStatus = "success" | "failed" | "skipped" | "warned" | "cancelled" | "disabled";

export interface AssertionOutcome {
  severity: "error" | "warn";
  failingRows: number;
  /** At most 5 failing rows, as returned by the warehouse. */
  sample: Record<string, unknown>[];
}

export interface ActionResult {
  name: string;
  target: Target;
  type: string;
  status: ActionStatus;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  rowsAffected?: number;
  bytesScanned?: number;
  /** One line, redacted. */
  error?: string;
  /** Why it was skipped, e.g. "dependency marts.daily_sales failed". */
  skippedBecause?: string;
  /** Names ("schema.name") of the failed upstream actions that caused the skip (alerts list them). */
  blockedBy?: string[];
  assertion?: AssertionOutcome;
  attempts?: number;
  statements?: number;
}

export interface RunResults {
  runId: string;
  target: string;
  adapter: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: "success" | "failed" | "cancelled";
  exitCode: number;
  actions: ActionResult[];
  totals: Record<ActionStatus, number>;
  bytesScanned?: number;
}
