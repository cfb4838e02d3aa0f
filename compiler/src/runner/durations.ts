// `.strata/durations.json`: how long each action took the last time it ran, kept apart for full
// refreshes and for ordinary runs, so the scheduler can start the longest chain first.
//
// Why two kinds: an incremental model that took 70 s to build from scratch merges a day in 3 s, so a
// daily run weighed with a weekly full refresh's times would start the wrong chains first. An action
// only in some runs (`--tags weekly`) keeps its estimate in between: the file keeps the latest
// duration of every action, not only those of the last run.
import fs from "node:fs";
import type { GraphAction } from "../graph/types";
import { targetKey } from "../graph/select";
import type { RunResults } from "./results";
import { runResultsPath, writeJsonAtomically } from "./write-results";

type RunKind = "fullRefresh" | "incremental";

interface DurationsFile {
  fullRefresh: Record<string, number>;
  incremental: Record<string, number>;
}

function durationsPath(projectDir: string): string {
  return runResultsPath(projectDir, "durations.json");
}

function isIncremental(action: GraphAction): boolean {
  return action.kind === "table" && action.type === "incremental";
}

/** How `action` runs: a full refresh rebuilds everything but protected incremental tables. */
function kindOf(action: GraphAction, fullRefresh: boolean): RunKind {
  return fullRefresh && !(isIncremental(action) && "protected" in action && action.protected) ? "fullRefresh" : "incremental";
}

function read(projectDir: string): DurationsFile {
  try {
    const parsed = JSON.parse(fs.readFileSync(durationsPath(projectDir), "utf8")) as Partial<DurationsFile>;
    return { fullRefresh: { ...parsed.fullRefresh }, incremental: { ...parsed.incremental } };
  } catch {
    return { fullRefresh: {}, incremental: {} };
  }
}

/**
 * What an action not yet timed in an ordinary run weighs in one. A full refresh's times say little
 * about an ordinary run: rebuilds cost what the tables hold, merges what the day brings, checks of
 * new rows what the merges wrote — in the reference platform the staged orders rebuild in 22 s and
 * merge a day in 1.4 s, while the CRM customers take 7 s and 1.7 s, and the customers 5.5 s and 2.3 s.
 * Weighed by their rebuilds, the first run after a full refresh started the wrong chain first;
 * weighed the same, the chain of more actions starts first, which is what merges of a day make long.
 */
const UNTIMED_IN_ORDINARY_RUN_MS = 1000;

/**
 * The expected duration of each action in a run (`fullRefresh` or not), for critical-path order:
 * its last duration in a run of the same kind. Otherwise, in a full refresh, its last duration in an
 * ordinary run (a merge's time for a rebuild: too short, but the big tables have the big merges);
 * in an ordinary run, UNTIMED_IN_ORDINARY_RUN_MS.
 */
export function estimatedDurations(projectDir: string, fullRefresh: boolean): (action: GraphAction) => number | undefined {
  const durations = read(projectDir);
  return (action) => {
    const key = targetKey(action.target);
    return kindOf(action, fullRefresh) === "fullRefresh" ? (durations.fullRefresh[key] ?? durations.incremental[key]) : (durations.incremental[key] ?? UNTIMED_IN_ORDINARY_RUN_MS);
  };
}

/** Records the durations of the actions that ran, keeping the others'. Never fails a run. */
export function recordDurations(projectDir: string, fullRefresh: boolean, actions: GraphAction[], results: RunResults): void {
  const durations = read(projectDir);
  const byKey = new Map(actions.map((a) => [targetKey(a.target), a]));
  for (const result of results.actions) {
    const action = byKey.get(result.name);
    const ran = result.status === "success" || result.status === "warned";
    if (action && ran && typeof result.durationMs === "number") durations[kindOf(action, fullRefresh)][result.name] = result.durationMs;
  }
  try {
    writeJsonAtomically(durationsPath(projectDir), durations);
  } catch {
    // Estimates only order the next run's actions: a read-only .strata must not fail this one.
  }
}
