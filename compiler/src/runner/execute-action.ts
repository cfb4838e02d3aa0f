// Runs one action on the warehouse: plan it against the current state, execute its steps (each
// transactional step in one BEGIN … COMMIT), then check assertions or required declarations.
// On failure or cancellation the plan's cleanup drops this run's temp objects; transient errors
// are retried with backoff, except for `operations`, which may not be safe to run twice.
import { targetKey } from "../graph/select";
import type { GraphAction, Severity } from "../graph/types";
import type { ActionPlan, PlanFunction, PlanOptions, PlanStep } from "../plan/plan";
import { redact } from "../redact";
import { abortableSleep } from "../warehouse/abortable-sleep";
import type { QueryResult, Session, Warehouse, WarehouseState } from "../warehouse/warehouse";
import { countOf } from "./progress";
import type { ActionOutcome } from "./scheduler";
import type { StateCache } from "./state-cache";

export interface ExecuteContext {
  warehouse: Warehouse;
  plan: PlanFunction;
  planOptions: PlanOptions;
  state: StateCache;
  /** Transient-error test (the warehouse module's `isTransientError`). */
  isTransient: (err: unknown) => boolean;
  /** Retries after the first attempt for transient errors (default 2). */
  maxRetries?: number;
  /** First backoff delay; doubles each retry, with jitter (default 500 ms). */
  retryDelayMs?: number;
  /** Things the plan wants the user to know (printed by the progress reporter). */
  onNotice?: (action: GraphAction, message: string) => void;
  /** Actions that must fail without running, with the reason (e.g. a quarantined landing source). */
  blocked?: Map<string, string>;
  /** Statements to run when the run ends: the cleanup of plans that kept new rows for assertions. */
  atRunEnd?: string[];
}

const SAMPLE_ROWS = 5;

function severityOf(action: GraphAction, planOptions: PlanOptions): Severity {
  if (action.kind !== "assertion") return "error";
  return action.strata?.severity ?? planOptions.graph.projectConfig.defaultAssertionSeverity ?? "error";
}

export async function executeAction(action: GraphAction, ctx: ExecuteContext, signal: AbortSignal): Promise<ActionOutcome> {
  const started = new Date();
  const blockedBecause = ctx.blocked?.get(targetKey(action.target));
  if (blockedBecause) {
    const now = started.toISOString();
    return { status: "failed", error: redact(blockedBecause), startedAt: now, finishedAt: now, durationMs: 0, attempts: 0 };
  }
  const retryable = action.kind !== "operation";
  const maxRetries = retryable ? (ctx.maxRetries ?? 2) : 0;
  let attempts = 0;
  let outcome: Omit<ActionOutcome, "startedAt" | "finishedAt" | "durationMs" | "attempts">;
  for (;;) {
    attempts++;
    let plan: ActionPlan | undefined;
    try {
      const state = await ctx.state.stateFor(action);
      plan = ctx.plan(action, state, ctx.planOptions);
      if (attempts === 1) for (const notice of plan.notices) ctx.onNotice?.(action, notice);
      outcome = await runPlan(action, plan, state, ctx, signal);
      if (outcome.status !== "failed") ctx.state.built(action);
      if (outcome.status !== "failed" && plan.newRows) {
        ctx.state.wroteNewRows(action, plan.newRows);
        ctx.atRunEnd?.push(...plan.cleanup);
      }
      break;
    } catch (err) {
      if (plan) await runCleanup(ctx.warehouse, plan.cleanup);
      if (signal.aborted) {
        outcome = { status: "cancelled", error: "cancelled while running" };
        break;
      }
      if (attempts <= maxRetries && (ctx.isTransient(err) || isCatalogRace(err))) {
        ctx.state.changed(action);
        await abortableSleep(backoff(ctx.retryDelayMs ?? 500, attempts), signal);
        if (!signal.aborted) continue;
        outcome = { status: "cancelled", error: "cancelled while waiting to retry" };
        break;
      }
      outcome = { status: "failed", error: errorLine(err) };
      break;
    } finally {
      if (plan && plan.steps.length > 0) ctx.state.changed(action);
    }
  }
  const finished = new Date();
  return {
    ...outcome,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    attempts,
  };
}

async function runPlan(
  action: GraphAction,
  plan: ActionPlan,
  state: WarehouseState,
  ctx: ExecuteContext,
  signal: AbortSignal,
): Promise<Omit<ActionOutcome, "startedAt" | "finishedAt" | "durationMs" | "attempts">> {
  const { warehouse } = ctx;
  if (plan.requireExists && !state.relations.has(targetKey(plan.requireExists.target))) {
    return { status: "failed", error: redact(plan.requireExists.message), statements: 0 };
  }
  let rows: number | undefined;
  let bytes: number | undefined;
  let statements = 0;
  const tally = (step: PlanStep, sql: string, r: QueryResult) => {
    statements++;
    if (r.bytesScanned !== undefined) bytes = (bytes ?? 0) + r.bytesScanned;
    if (r.rowCount !== undefined && r.rowCount !== null && step.countsRows !== false && writesOutputRows(sql)) rows = (rows ?? 0) + r.rowCount;
  };
  const runAll = async (session: Session, step: PlanStep) => {
    for (const sql of step.statements) tally(step, sql, await session.execute(sql, { signal }));
  };
  for (const step of plan.steps) {
    if (signal.aborted) throw new Error("cancelled");
    if (step.statements.length === 0) continue;
    if (step.transactional) await warehouse.transaction((s) => runAll(s, step));
    else if (step.statements.length === 1) tally(step, step.statements[0], await warehouse.execute(step.statements[0], { signal }));
    else await warehouse.withSession((s) => runAll(s, step));
  }
  if (!plan.check) return { status: "success", rowsAffected: rows, bytesScanned: bytes, statements };

  const severity = severityOf(action, ctx.planOptions);
  const count = await warehouse.execute(plan.check.countSql, { signal });
  statements++;
  const failingRows = firstNumber(count);
  let sample: Record<string, unknown>[] = [];
  if (failingRows > 0) {
    const s = await warehouse.execute(plan.check.sampleSql, { signal });
    statements++;
    sample = s.rows.slice(0, SAMPLE_ROWS).map(jsonSafe);
  }
  const assertion = { severity, failingRows, sample };
  if (failingRows === 0) return { status: "success", assertion, statements, bytesScanned: bytes };
  const error = countOf(failingRows, "failing row");
  return { status: severity === "warn" ? "warned" : "failed", error, assertion, statements, bytesScanned: bytes };
}

/** Drops this run's temp objects; each statement on its own, so one failure does not stop the rest. */
export async function runCleanup(warehouse: Pick<Warehouse, "execute">, cleanup: string[]): Promise<void> {
  for (const sql of cleanup) {
    try {
      await warehouse.execute(sql);
    } catch {
      // Best effort: leftovers of this run are also removed at the start of the next one.
    }
  }
}

/**
 * Statements whose row count is the action's output: CTAS, INSERT, MERGE, UPDATE. A `delete` in
 * delete+insert would count the replaced rows twice, and DDL (create schema/view/index) reports 0.
 */
function writesOutputRows(sql: string): boolean {
  // Only the head matters: skip leading blanks and comments, then look at the first keywords.
  const head = sql.slice(0, 400).replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, "").slice(0, 200).toLowerCase();
  if (/^(insert|merge|update|select|with)\b/.test(head)) return true;
  return /^create\s+(unlogged\s+)?(table|materialized\s+view)\b[^(]*?\bas\b/.test(head);
}

function firstNumber(result: QueryResult): number {
  const row = result.rows[0];
  if (!row) return 0;
  const value = result.fields.length > 0 ? row[result.fields[0].name] : Object.values(row)[0];
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** Sample rows go into JSON files and jsonb: bigint, Date and Buffer values need a plain form. */
function jsonSafe(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === "bigint") out[k] = v.toString();
    else if (v instanceof Date) out[k] = Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
    else if (v instanceof Uint8Array) out[k] = `\\x${Buffer.from(v).toString("hex")}`;
    else if (typeof v === "string") out[k] = redact(v);
    else out[k] = v;
  }
  return out;
}

/**
 * PostgreSQL's `create schema if not exists` is not safe against itself: two actions creating the
 * same new schema at once can fail with a unique violation on the catalog. Once the other one has
 * committed, a retry succeeds.
 */
function isCatalogRace(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (e.code === "42P06") return true; // duplicate_schema
  return e.code === "23505" && /pg_namespace_nspname_index|pg_type_typname_nsp_index/.test(String(e.message));
}

export function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return redact(message.split("\n")[0]);
}

function backoff(baseMs: number, attempt: number): number {
  return baseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
}
