// What a run prints while it goes. Three forms:
//   tty    a live line per running action (redrawn), and a plain line as each one finishes;
//   plain  the finished lines only (CI logs, pipes);
//   json   one JSON object per event (NDJSON), the last one holding the full run results.
// Every string passes through `redact` on its way out.
import { targetKey } from "../graph/select";
import type { GraphAction } from "../graph/types";
import { redact } from "../redact";
import type { ActionResult, ActionStatus, RunResults } from "./results";

export interface RunStartInfo {
  runId: string;
  target: string;
  adapter: string;
  actions: number;
  concurrency: number;
}

export interface ProgressReporter {
  runStarted(info: RunStartInfo): void;
  actionStarted(action: GraphAction): void;
  actionFinished(result: ActionResult): void;
  notice(message: string): void;
  runFinished(results: RunResults): void;
}

export type ProgressMode = "tty" | "plain" | "json";

export interface Output {
  write(text: string): unknown;
  /** Terminal width, when it is a terminal (live lines are cut to it so redraws stay aligned). */
  columns?: number;
}

export function createReporter(mode: ProgressMode, out: Output): ProgressReporter {
  if (mode === "json") return jsonReporter(out);
  return humanReporter(out, mode === "tty");
}

/** The action type as users write it in config. */
export function actionType(action: GraphAction): string {
  switch (action.kind) {
    case "table":
      return action.type === "view" && action.materialized ? "materialized view" : action.type;
    case "operation":
      return "operations";
    default:
      return action.kind;
  }
}

function jsonReporter(out: Output): ProgressReporter {
  const emit = (event: Record<string, unknown>) => out.write(`${redact(JSON.stringify(event))}\n`);
  return {
    runStarted: (info) => emit({ event: "run_started", ...info }),
    actionStarted: (action) =>
      emit({ event: "action_started", name: targetKey(action.target), type: actionType(action), at: new Date().toISOString() }),
    actionFinished: (result) => emit({ event: "action_finished", ...result }),
    notice: (message) => emit({ event: "notice", message }),
    runFinished: (results) => emit({ event: "run_finished", ...results }),
  };
}

const SYMBOL: Record<ActionStatus, string> = {
  success: "✓",
  warned: "!",
  failed: "✗",
  skipped: "-",
  cancelled: "✗",
  disabled: "-",
};

// One formatter for the whole run: Number#toLocaleString builds a new one on every call.
const thousands = new Intl.NumberFormat("en-US");

/** `1 row`, `1,234 rows`. */
export function countOf(n: number, noun: string): string {
  return `${thousands.format(n)} ${noun}${n === 1 ? "" : "s"}`;
}

/** `✓ staging.orders  table  1.2s  1,234 rows` and its siblings. */
export function formatResultLine(r: ActionResult): string {
  const parts = [`${SYMBOL[r.status]} ${r.name}`, r.type];
  if (r.durationMs !== undefined && r.status !== "skipped") parts.push(formatDuration(r.durationMs));
  switch (r.status) {
    case "success":
      if (r.rowsAffected !== undefined) parts.push(countOf(r.rowsAffected, "row"));
      if (r.assertion) parts.push("passed");
      break;
    case "warned":
      parts.push(`warning: ${r.error ?? "assertion failed"}`);
      break;
    case "failed":
      parts.push(`error: ${r.error ?? "failed"}`);
      break;
    case "skipped":
      parts.push(`skipped (${r.skippedBecause ?? "not run"})`);
      break;
    case "cancelled":
      parts.push("cancelled");
      break;
    case "disabled":
      parts.push("disabled");
      break;
  }
  if ((r.attempts ?? 1) > 1) parts.push(`after ${r.attempts} attempts`);
  return redact(parts.join("  "));
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}

/** The end-of-run summary: counts by status, then what failed and which assertions found rows. */
export function formatSummary(results: RunResults): string {
  const lines: string[] = [];
  const counts = (Object.entries(results.totals) as [ActionStatus, number][])
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  const verdict = results.status === "cancelled" ? "Run cancelled" : results.status === "failed" ? "Run failed" : "Run succeeded";
  lines.push(`${verdict} in ${formatDuration(results.durationMs)}: ${counts.join(", ") || "nothing to run"}`);
  const failed = results.actions.filter((a) => a.status === "failed" && !a.assertion);
  if (failed.length > 0) {
    lines.push("Failed:");
    for (const a of failed) lines.push(`  ${a.name}: ${a.error ?? "failed"}`);
  }
  const assertions = results.actions.filter((a) => a.assertion && a.assertion.failingRows > 0);
  if (assertions.length > 0) {
    lines.push("Assertions with failing rows:");
    for (const a of assertions) {
      const n = a.assertion!.failingRows;
      lines.push(`  ${a.name} (${a.assertion!.severity}): ${countOf(n, "failing row")}`);
    }
  }
  const skipped = results.actions.filter((a) => a.status === "skipped").length;
  if (skipped > 0) lines.push(`${skipped} action${skipped === 1 ? "" : "s"} skipped because a dependency did not succeed`);
  return redact(lines.join("\n"));
}

function humanReporter(out: Output, live: boolean): ProgressReporter {
  const running = new Map<string, { type: string; since: number }>();
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;

  // Moves the cursor up over the live block and clears it, so finished lines print above it.
  const erase = () => {
    if (drawn > 0) out.write(`\x1b[${drawn}F\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (!live) return;
    frame = (frame + 1) % spinner.length;
    const now = Date.now();
    const width = Math.max(20, (out.columns ?? 80) - 1);
    const lines = [...running].map(([name, r]) => `${spinner[frame]} ${name}  ${r.type}  ${formatDuration(now - r.since)}`.slice(0, width));
    if (lines.length > 0) out.write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const redraw = () => {
    erase();
    draw();
  };

  return {
    runStarted(info) {
      const plural = info.actions === 1 ? "" : "s";
      out.write(`Running ${info.actions} action${plural} on target "${info.target}" (${info.adapter}, concurrency ${info.concurrency})\n`);
      if (live) {
        timer = setInterval(redraw, 200);
        timer.unref();
      }
    },
    actionStarted(action) {
      running.set(targetKey(action.target), { type: actionType(action), since: Date.now() });
      if (live) redraw();
    },
    actionFinished(result) {
      running.delete(result.name);
      if (live) erase();
      out.write(`${formatResultLine(result)}\n`);
      if (live) draw();
    },
    notice(message) {
      if (live) erase();
      out.write(`${redact(message)}\n`);
      if (live) draw();
    },
    runFinished(results) {
      if (timer) clearInterval(timer);
      if (live) erase();
      out.write(`\n${formatSummary(results)}\n`);
    },
  };
}
