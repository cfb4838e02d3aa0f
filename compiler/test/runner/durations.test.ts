// `.strata/durations.json`: the estimates behind critical-path order, kept apart for full refreshes
// and ordinary runs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { GraphAction } from "../../src/graph/types";
import { estimatedDurations, recordDurations } from "../../src/runner/durations";
import type { ActionResult, ActionStatus } from "../../src/runner/results";
import { buildRunResults } from "../../src/runner/run-results";

function action(name: string, type: "table" | "view" | "incremental", extra: Partial<GraphAction> = {}): GraphAction {
  const target = { schema: "s", name };
  return { kind: "table", target, canonicalTarget: target, type, query: "select 1", dependencyTargets: [], tags: [], fileName: `definitions/${name}.sqlx`, ...extra } as GraphAction;
}

const orders = action("orders", "incremental");
const sales = action("sales", "table");
const archive = action("archive", "incremental", { protected: true } as Partial<GraphAction>);

function results(durations: Record<string, number>, status: ActionStatus = "success") {
  const actions: ActionResult[] = Object.entries(durations).map(([name, durationMs]) => ({
    name: `s.${name}`,
    target: { schema: "s", name },
    type: "table",
    status,
    durationMs,
  }));
  return buildRunResults({ runId: "r", target: { name: "local", adapter: "pglite" }, startedAt: new Date(), cancelled: false, actions });
}

const dirs: string[] = [];
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-durations-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("run duration estimates", () => {
  it("estimates an action from its last run of the same kind; untimed in an ordinary run, every action weighs the same", () => {
    const dir = project();
    recordDurations(dir, true, [orders, sales], results({ orders: 70_000, sales: 2_000 }));
    const afterFullRefresh = estimatedDurations(dir, false);
    // Not merged yet: a rebuild's time says nothing of a merge, so both weigh one second.
    expect(afterFullRefresh(orders)).toBe(1_000);
    expect(afterFullRefresh(sales)).toBe(1_000);

    recordDurations(dir, false, [orders, sales], results({ orders: 3_000, sales: 1_900 }));
    expect(estimatedDurations(dir, false)(orders)).toBe(3_000);
    expect(estimatedDurations(dir, false)(sales)).toBe(1_900);
    // The next full refresh still expects a rebuild's time.
    expect(estimatedDurations(dir, true)(orders)).toBe(70_000);
    expect(estimatedDurations(dir, true)(sales)).toBe(2_000);
  });

  it("weighs a rebuild it has not timed by the last merge", () => {
    const dir = project();
    recordDurations(dir, false, [orders], results({ orders: 3_000 }));
    expect(estimatedDurations(dir, true)(orders)).toBe(3_000);
    expect(estimatedDurations(dir, true)(sales)).toBeUndefined();
  });

  it("keeps the estimates of actions a run did not select, and ignores actions that did not run", () => {
    const dir = project();
    recordDurations(dir, false, [orders, sales], results({ orders: 3_000, sales: 1_900 }));
    recordDurations(dir, false, [sales], results({ sales: 2_500 }));
    recordDurations(dir, false, [orders], results({ orders: 9 }, "failed"));
    const estimate = estimatedDurations(dir, false);
    expect(estimate(orders)).toBe(3_000);
    expect(estimate(sales)).toBe(2_500);
  });

  it("counts a protected incremental table in a full refresh as merged, since it is not rebuilt", () => {
    const dir = project();
    recordDurations(dir, true, [archive], results({ archive: 400 }));
    expect(estimatedDurations(dir, false)(archive)).toBe(400);
    expect(estimatedDurations(dir, true)(archive)).toBe(400);
  });

  it("starts without estimates when the file is missing or unreadable, and rewrites it", () => {
    const dir = project();
    expect(estimatedDurations(dir, true)(sales)).toBeUndefined();
    expect(estimatedDurations(dir, false)(sales)).toBe(1_000);
    fs.mkdirSync(path.join(dir, ".strata"));
    fs.writeFileSync(path.join(dir, ".strata", "durations.json"), "{ not json");
    expect(estimatedDurations(dir, true)(sales)).toBeUndefined();
    recordDurations(dir, false, [sales], results({ sales: 10 }));
    expect(estimatedDurations(dir, false)(sales)).toBe(10);
  });
});
