// `strata run`: parse flags, run the project, print progress and the summary, set the exit code.
// Ctrl-C (SIGINT) or SIGTERM cancels the running queries, drops their temp objects and marks the
// rest cancelled; a second Ctrl-C exits at once (the next run cleans up whatever was left).
import type { Command } from "commander";
import { ExitCode, UserError } from "../errors";
import { parseVars } from "../project/config";
import { redact } from "../redact";
import type { ProgressMode } from "../runner/progress";

interface RunFlags {
  target?: string;
  tags?: string;
  actions?: string;
  includeDeps?: boolean;
  includeDependents?: boolean;
  fullRefresh?: boolean;
  dryRun?: boolean;
  vars?: string[];
  concurrency?: string;
  json?: boolean;
  wait?: boolean;
  alerts?: boolean;
  load?: boolean;
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) {
    throw new UserError(`--concurrency expects a whole number of at least 1; got "${value}"`);
  }
  return Number(value);
}

/**
 * Resolves once everything written so far has reached the OS. stdout to a pipe is asynchronous,
 * and the CLI exits with process.exit(), which would cut a large --json or --dry-run output at 64 KB.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

export function register(program: Command): void {
  program
    .command("run")
    .description("run the selected actions in dependency order on a target")
    .argument("[project-dir]", "the project directory", ".")
    .option("--target <name>", "the targets.yaml target to run on")
    .option("--tags <tags>", "run actions with any of these tags (comma-separated)")
    .option("--actions <names>", "run these actions (comma-separated names, schema.name, or * patterns)")
    .option("--include-deps", "also run the dependencies of the selected actions")
    .option("--include-dependents", "also run the actions that depend on the selected ones")
    .option("--full-refresh", "rebuild incremental tables from scratch (never protected ones)")
    .option("--dry-run", "print the SQL a run would execute, and execute nothing")
    .option("--vars <pairs>", "project variables as key=value,key=value (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--concurrency <n>", "actions to run at once (default: concurrentQueryLimit, else the warehouse's maximum)")
    .option("--json", "print one JSON object per event (NDJSON), then the run results")
    .option("--wait", "wait for another run on the same target to finish instead of failing")
    .option("--no-alerts", "do not send Slack alerts for this run")
    .option("--no-load", "do not load new landing files before the models")
    .action(async (projectDir: string, flags: RunFlags) => {
      process.exitCode = await runCommand(projectDir, flags);
    });
}

async function runCommand(projectDir: string, flags: RunFlags): Promise<number> {
  const concurrency = parseConcurrency(flags.concurrency);
  const vars = parseVars(flags.vars);
  const mode: ProgressMode = flags.json ? "json" : process.stdout.isTTY && !process.env.CI ? "tty" : "plain";
  // Loaded here, not at start-up: the runner pulls in the warehouses, planner, access and alerts.
  const [{ createReporter }, { CompilationFailedError, runProject }] = await Promise.all([import("../runner/progress"), import("../runner/run")]);
  const reporter = createReporter(mode, process.stdout);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write("interrupted again: exiting now; the next run removes any temp objects left behind\n");
      process.exit(ExitCode.actionFailed);
    }
    process.stderr.write(`${signal}: cancelling the run (running queries are cancelled, temp objects dropped)…\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const outcome = await runProject({
      projectDir,
      target: flags.target,
      actions: list(flags.actions),
      tags: list(flags.tags),
      includeDeps: flags.includeDeps,
      includeDependents: flags.includeDependents,
      fullRefresh: flags.fullRefresh,
      dryRun: flags.dryRun,
      vars,
      concurrency,
      wait: flags.wait,
      load: flags.load,
      alerts: flags.alerts,
      signal: controller.signal,
      reporter: flags.dryRun ? undefined : reporter,
    });
    if (outcome.dryRun) {
      if (flags.json) process.stdout.write(`${redact(JSON.stringify({ dryRun: true, note: outcome.dryRun.stateNote, actions: outcome.dryRun.plans }))}\n`);
      else process.stdout.write(outcome.dryRun.sql);
    }
    if (outcome.results?.status === "cancelled") process.stderr.write("run cancelled\n");
    await flushed(process.stdout);
    return outcome.exitCode;
  } catch (err) {
    if (err instanceof CompilationFailedError) {
      for (const line of err.lines) process.stderr.write(`error: ${redact(line)}\n`);
      return ExitCode.invalid;
    }
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
