// `runProject`: compile → select → connect → lock → clean leftovers of killed runs → read state →
// plan and execute each action in dependency order → results (run_results.json, strata_meta).
// Each action is planned just before it runs, against state refreshed where the run changed it.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { notifyRun, resolveAlertSettings } from "../alerts/slack";
import { applyAccessAfterRun, validateAccessConfig } from "../access";
import { compileProject } from "../compile";
import { ExitCode, formatWithPlace, StrataError, UserError } from "../errors";
import { selectActions, targetKey } from "../graph/select";
import type { CompiledGraph, GraphAction } from "../graph/types";
import type { LandingContract } from "../load/contract";
import { cleanupLeftovers } from "../plan/leftovers";
import { planFor } from "../plan/index";
import type { PlanOptions } from "../plan/plan";
import type { ResolvedTarget } from "../project/targets";
import { redact } from "../redact";
import { createWarehouse, isTransientError } from "../warehouse/index";
import type { Warehouse } from "../warehouse/warehouse";
import { formatDryRunSql, dryRunJson, type PlannedAction } from "./dry-run";
import { errorLine, executeAction, runCleanup } from "./execute-action";
import { ensureMetaTables, hasMetaTables, recordRunResults, recordRunStart } from "./meta";
import type { ProgressReporter } from "./progress";
import type { RunResults } from "./results";
import { buildRunResults, toActionResult } from "./run-results";
import { schedule } from "./scheduler";
import { emptyState, StateCache } from "./state-cache";
import { landingContracts, runLandingStep } from "./landing-step";
import { writeRunResults } from "./write-results";
import { estimatedDurations, recordDurations } from "./durations";

export interface RunProjectOptions {
  projectDir: string;
  target?: string;
  actions?: string[];
  tags?: string[];
  includeDeps?: boolean;
  includeDependents?: boolean;
  fullRefresh?: boolean;
  dryRun?: boolean;
  vars?: Record<string, string>;
  /** Actions at once; default dataform.json `concurrentQueryLimit`, else the warehouse's maximum. */
  concurrency?: number;
  /** Wait for another run's lock instead of failing at once. */
  wait?: boolean;
  /** Aborting cancels running queries, cleans their temp objects and cancels the rest. */
  signal?: AbortSignal;
  reporter?: ProgressReporter;
  /** Retries after the first attempt for transient errors (default 2). */
  maxRetries?: number;
  retryDelayMs?: number;
  /** Load new landing files before the models (default true; `--no-load`). */
  load?: boolean;
  /** Post Slack alerts for failures, warnings and quarantined files (default true; `--no-alerts`). */
  alerts?: boolean;
}

export interface DryRunOutput {
  /** How the state was obtained (e.g. "planned against an empty warehouse: … unreachable"). */
  stateNote: string;
  sql: string;
  plans: Record<string, unknown>[];
}

export interface RunProjectOutcome {
  exitCode: ExitCode;
  results?: RunResults;
  resultsFile?: string;
  dryRun?: DryRunOutput;
}

/** The project does not compile: every error, one line each (`file:line:col: message`). */
export class CompilationFailedError extends UserError {
  constructor(readonly lines: string[]) {
    super(lines.length === 1 ? lines[0] : `${lines[0]} (and ${lines.length - 1} more errors)`);
    this.name = "CompilationFailedError";
  }
}

/** Short, sortable, unique: temp object names carry it, so it must fit in a 63-byte identifier. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "").replace("T", "_").toLowerCase();
  return `${stamp}_${crypto.randomBytes(2).toString("hex")}`;
}

interface Prepared {
  graph: CompiledGraph;
  target: ResolvedTarget;
  projectDir: string;
  selected: GraphAction[];
  planOptions: PlanOptions;
  contracts: LandingContract[];
}

function prepare(options: RunProjectOptions): Prepared {
  const projectDir = path.resolve(options.projectDir);
  const compiled = compileProject(projectDir, { target: options.target, vars: options.vars ?? {} });
  const { graph, target } = compiled;
  const errors = graph.graphErrors.compilationErrors;
  if (errors.length > 0) {
    throw new CompilationFailedError(
      errors.map((e) => formatWithPlace(e.message, { file: e.fileName, line: e.line, column: e.column })),
    );
  }
  validateAccessConfig(graph); // H9 access control: a bad "access" config is exit 2 before anything runs.
  const selected = selectActions(graph, {
    actions: options.actions,
    tags: options.tags,
    includeDeps: options.includeDeps,
    includeDependents: options.includeDependents,
  });
  const asked = [...(options.actions ?? []), ...(options.tags ?? []).map((t) => `tag ${t}`)].filter(Boolean);
  if (asked.length > 0 && selected.length === 0) {
    throw new UserError(`no action matches the selection (${asked.join(", ")})`);
  }
  const planOptions: PlanOptions = { fullRefresh: options.fullRefresh ?? false, runId: newRunId(), graph, target };
  return { graph, target, projectDir: compiled.projectDir, selected, planOptions, contracts: [] };
}

function resolveConcurrency(requested: number | undefined, graph: CompiledGraph, warehouseMax?: number): number {
  const wanted = requested ?? graph.projectConfig.concurrentQueryLimit ?? warehouseMax ?? 1;
  return Math.max(1, Math.min(wanted, warehouseMax ?? wanted));
}

export async function runProject(options: RunProjectOptions): Promise<RunProjectOutcome> {
  const prepared = prepare(options);
  if (options.dryRun) return dryRun(prepared);
  // Landing contracts are checked before anything connects: a bad one is exit 2, nothing changed.
  if (options.load !== false) prepared.contracts = await landingContracts(prepared.projectDir);
  return execute(prepared, options);
}

async function dryRun(p: Prepared): Promise<RunProjectOutcome> {
  const { target, projectDir, selected, planOptions } = p;
  let state = emptyState();
  let stateNote: string;
  const embeddedDir = target.adapter === "pglite" ? path.resolve(projectDir, String(target.config.path ?? ".strata/warehouse")) : undefined;
  if (embeddedDir && !fs.existsSync(embeddedDir)) {
    // Opening it would create it, and a dry run changes nothing.
    stateNote = `planned against an empty warehouse: the embedded warehouse ${path.relative(projectDir, embeddedDir) || "."} does not exist yet`;
  } else {
    let warehouse: Warehouse | undefined;
    try {
      warehouse = createWarehouse(target, { projectDir, concurrency: 1 });
      await warehouse.connect();
      state = await warehouse.readState(selected.map((a) => a.target));
      stateNote = `planned against the current state of target "${target.name}"`;
    } catch (err) {
      state = emptyState();
      stateNote = `planned against an empty warehouse: target "${target.name}" could not be read (${errorLine(err)})`;
    } finally {
      await warehouse?.close().catch(() => undefined);
    }
  }
  const plan = planFor(target.dialect);
  const planned: PlannedAction[] = selected.map((action) => {
    try {
      return { action, plan: plan(action, state, planOptions) };
    } catch (err) {
      return { action, error: errorLine(err) };
    }
  });
  const header = [`strata run --dry-run: target "${target.name}" (${target.adapter}); nothing was executed`, stateNote];
  return {
    exitCode: planned.some((x) => x.error) ? ExitCode.actionFailed : ExitCode.ok,
    dryRun: { stateNote, sql: redact(formatDryRunSql(planned, target.dialect, header)), plans: dryRunJson(planned) },
  };
}

async function execute(p: Prepared, options: RunProjectOptions): Promise<RunProjectOutcome> {
  const { graph, target, projectDir } = p;
  const reporter = options.reporter;
  const signal = options.signal ?? new AbortController().signal;
  const requested = options.concurrency ?? graph.projectConfig.concurrentQueryLimit;
  // PGlite's directory lock is taken on connect, so --wait has to reach the driver there.
  const connectTarget = options.wait && target.adapter === "pglite" ? { ...target, config: { ...target.config, waitForLock: true } } : target;
  const warehouse = createWarehouse(connectTarget, { projectDir, concurrency: requested });
  await warehouse.connect();
  try {
    const release = await abortable(warehouse.acquireRunLock({ wait: options.wait ?? false, scope: lockScope(graph) }), signal);
    try {
      return await runLocked(p, options, warehouse, reporter, signal);
    } finally {
      await release();
    }
  } finally {
    await warehouse.close();
  }
}

async function runLocked(
  p: Prepared,
  options: RunProjectOptions,
  warehouse: Warehouse,
  reporter: ProgressReporter | undefined,
  signal: AbortSignal,
): Promise<RunProjectOutcome> {
  const { graph, target, projectDir, selected, planOptions } = p;
  const startedAt = new Date();
  const concurrency = resolveConcurrency(options.concurrency, graph, warehouse.maxConcurrency);

  const removed = await cleanupLeftovers(warehouse, graph);
  if (removed.length > 0) reporter?.notice(`removed ${removed.length} temp object(s) left by an interrupted run: ${removed.join(", ")}`);

  const meta = hasMetaTables(warehouse);
  let metaOk = meta;
  if (meta) {
    try {
      await ensureMetaTables(warehouse);
      await recordRunStart(warehouse, {
        runId: planOptions.runId,
        target: target.name,
        adapter: target.adapter,
        projectDir,
        startedAt: startedAt.toISOString(),
      });
    } catch (err) {
      metaOk = false;
      reporter?.notice(`warning: run history not recorded in strata_meta (${errorLine(err)})`);
    }
  }

  const landing = await runLandingStep(warehouse, projectDir, p.contracts, selected, (line) => reporter?.notice(line));

  const state = new StateCache(warehouse);
  await state.prime(selected.map((a) => a.target));
  reporter?.runStarted({ runId: planOptions.runId, target: target.name, adapter: target.adapter, actions: selected.length, concurrency });

  const ctx = {
    warehouse,
    plan: planFor(target.dialect),
    planOptions,
    state,
    isTransient: isTransientError,
    maxRetries: options.maxRetries,
    retryDelayMs: options.retryDelayMs,
    onNotice: (action: GraphAction, message: string) => reporter?.notice(`${targetKey(action.target)}: ${message}`),
    blocked: landing.blocked,
    atRunEnd: [] as string[],
  };
  const scheduled = await schedule({
    actions: selected,
    concurrency,
    signal,
    estimatedMs: estimatedDurations(projectDir, planOptions.fullRefresh),
    runAction: (action, s) => executeAction(action, ctx, s),
    onStart: (action) => reporter?.actionStarted(action),
    onFinish: (r) => reporter?.actionFinished(toActionResult(r)),
  });
  await runCleanup(warehouse, ctx.atRunEnd);

  const results = buildRunResults({
    runId: planOptions.runId,
    target,
    startedAt,
    actions: scheduled.map(toActionResult),
    cancelled: signal.aborted,
  });
  const resultsFile = writeRunResults(projectDir, results);
  recordDurations(projectDir, planOptions.fullRefresh, selected, results);
  if (metaOk) {
    try {
      await recordRunResults(warehouse, results);
    } catch (err) {
      reporter?.notice(`warning: run history not recorded in strata_meta (${errorLine(err)})`);
    }
  }
  reporter?.runFinished(results);
  if (options.alerts !== false) {
    const settings = resolveAlertSettings(target.config, process.env, true);
    for (const warning of await notifyRun(settings, results, landing.newlyQuarantined)) reporter?.notice(warning);
  }
  // H9 access control (issue 10): make privileges match dataform.json "access" after every run.
  const accessExit = await applyAccessAfterRun(warehouse, graph, (m) => reporter?.notice(m), signal.aborted);
  return { exitCode: Math.max(results.exitCode, accessExit) as ExitCode, results, resultsFile };
}

/** What "the same project" means for the run lock: where it builds (schemas, suffix, prefix). */
function lockScope(graph: CompiledGraph): string {
  const c = graph.projectConfig;
  return [c.defaultSchema, c.assertionSchema, c.schemaSuffix ?? "", c.tablePrefix ?? ""].join("|");
}

/**
 * Waiting for another run's lock (`--wait`) must still give way to Ctrl-C. If the lock arrives
 * after the abort, it is released at once.
 */
function abortable(lock: Promise<() => Promise<void>>, signal: AbortSignal): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(new StrataError("run cancelled while waiting for the run lock", ExitCode.actionFailed));
      lock.then((release) => release()).catch(() => undefined);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    lock.then(
      (release) => {
        signal.removeEventListener("abort", onAbort);
        resolve(release);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
