// Pure scheduling behaviour, with actions that just resolve: order, concurrency, skips, aborts.
import { describe, expect, it } from "vitest";
import type { GraphAction, Target } from "../../src/graph/types";
import { schedule, type ActionOutcome } from "../../src/runner/scheduler";

const t = (name: string, schema = "s"): Target => ({ schema, name });

function table(name: string, deps: string[] = [], extra: Partial<GraphAction> = {}): GraphAction {
  return {
    kind: "table",
    target: t(name),
    canonicalTarget: t(name),
    type: "table",
    enumType: "TABLE",
    query: "select 1",
    dependencyTargets: deps.map((d) => t(d)),
    tags: [],
    fileName: `definitions/${name}.sqlx`,
    ...extra,
  } as GraphAction;
}

function assertion(name: string, parent: string, deps: string[] = [parent]): GraphAction {
  return {
    kind: "assertion",
    target: t(name),
    canonicalTarget: t(name),
    query: "select 1",
    dependencyTargets: deps.map((d) => t(d)),
    tags: [],
    fileName: `definitions/${parent}.sqlx`,
    parentAction: t(parent),
  } as GraphAction;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runner(outcomes: Record<string, ActionOutcome["status"]> = {}, ms = 5) {
  const started: string[] = [];
  const finished: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const runAction = async (a: GraphAction, signal: AbortSignal): Promise<ActionOutcome> => {
    started.push(a.target.name);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await delay(ms);
    inFlight--;
    finished.push(a.target.name);
    if (signal.aborted) return { status: "cancelled" };
    const status = outcomes[a.target.name] ?? "success";
    return { status, error: status === "failed" ? "boom" : undefined };
  };
  return { runAction, started, finished, max: () => maxInFlight };
}

describe("schedule", () => {
  it("runs every action after its dependencies", async () => {
    const actions = [table("a"), table("b", ["a"]), table("c", ["a"]), table("d", ["b", "c"])];
    const r = runner();
    const results = await schedule({ actions, concurrency: 4, runAction: r.runAction });
    expect(results.map((x) => x.status)).toEqual(["success", "success", "success", "success"]);
    const pos = (n: string) => r.started.indexOf(n);
    expect(r.finished.indexOf("a")).toBeLessThan(pos("b"));
    expect(r.finished.indexOf("a")).toBeLessThan(pos("c"));
    expect(Math.max(r.finished.indexOf("b"), r.finished.indexOf("c"))).toBeLessThan(pos("d"));
  });

  it("starts the ready action heading the longest chain first when it knows how long actions take", async () => {
    // a feeds a short leaf check and a long chain b → c; quick checks of a are ready first in the given order.
    const actions = [table("a"), assertion("a_check1", "a"), assertion("a_check2", "a"), table("b", ["a"]), table("c", ["b"])];
    const estimates: Record<string, number> = { a: 100, a_check1: 50, a_check2: 50, b: 400, c: 400 };
    const withEstimates = runner();
    await schedule({ actions, concurrency: 1, runAction: withEstimates.runAction, estimatedMs: (x) => estimates[x.target.name] });
    expect(withEstimates.started).toEqual(["a", "b", "c", "a_check1", "a_check2"]);
    // Without estimates: the given order, as before.
    const plain = runner();
    await schedule({ actions, concurrency: 1, runAction: plain.runAction });
    expect(plain.started).toEqual(["a", "a_check1", "a_check2", "b", "c"]);
  });

  it("of two chains weighed the same, starts the action with more inputs first", async () => {
    // orders (one input) and customer (two) both feed sales and weigh the same; orders comes first
    // in the given order and has more actions waiting for it.
    const actions = [
      table("landing_orders"),
      table("crm"),
      table("billing"),
      table("orders", ["landing_orders"]),
      table("customer", ["crm", "billing"]),
      table("sales", ["orders", "customer"]),
      assertion("orders_check1", "orders"),
      assertion("orders_check2", "orders"),
    ];
    const r = runner();
    await schedule({ actions, concurrency: 1, runAction: r.runAction, estimatedMs: () => 1_000 });
    expect(r.started.indexOf("customer")).toBeLessThan(r.started.indexOf("orders"));
    // Without estimates: the given order.
    const plain = runner();
    await schedule({ actions, concurrency: 1, runAction: plain.runAction });
    expect(plain.started.indexOf("orders")).toBeLessThan(plain.started.indexOf("customer"));
  });

  it("never runs more than `concurrency` actions at once, and uses all of it", async () => {
    const actions = Array.from({ length: 10 }, (_, i) => table(`m${i}`));
    const r = runner({}, 10);
    await schedule({ actions, concurrency: 3, runAction: r.runAction });
    expect(r.max()).toBe(3);
    const serial = runner({}, 1);
    await schedule({ actions, concurrency: 1, runAction: serial.runAction });
    expect(serial.max()).toBe(1);
  });

  it("skips the transitive dependents of a failure, naming the root cause, while siblings run", async () => {
    const actions = [table("a"), table("bad", ["a"]), table("child", ["bad"]), table("grandchild", ["child"]), table("sibling", ["a"])];
    const r = runner({ bad: "failed" });
    const results = await schedule({ actions, concurrency: 2, runAction: r.runAction });
    const byName = Object.fromEntries(results.map((x) => [x.action.target.name, x]));
    expect(byName.bad.status).toBe("failed");
    expect(byName.sibling.status).toBe("success");
    expect(byName.child).toMatchObject({ status: "skipped", skippedBecause: "dependency s.bad failed", blockedBy: ["s.bad"] });
    expect(byName.grandchild).toMatchObject({ status: "skipped", skippedBecause: "dependency s.bad failed", blockedBy: ["s.bad"] });
    expect(r.started).not.toContain("child");
    expect(r.started).not.toContain("grandchild");
  });

  it("turns a throwing runAction into a failed result", async () => {
    const results = await schedule({
      actions: [table("a"), table("b", ["a"])],
      concurrency: 1,
      runAction: async () => {
        throw new Error("driver exploded\nwith a second line");
      },
    });
    expect(results[0]).toMatchObject({ status: "failed", error: "driver exploded" });
    expect(results[1].status).toBe("skipped");
  });

  it("does not block plain dependents on a failed assertion, but blocks those with dependOnDependencyAssertions", async () => {
    const actions = [
      table("orders"),
      assertion("orders_assertions_uniqueKey", "orders"),
      table("plain", ["orders"]),
      table("careful", ["orders"], { dependOnDependencyAssertions: true } as Partial<GraphAction>),
    ];
    const r = runner({ orders_assertions_uniqueKey: "failed" });
    const results = await schedule({ actions, concurrency: 1, runAction: r.runAction });
    const byName = Object.fromEntries(results.map((x) => [x.action.target.name, x]));
    expect(byName.plain.status).toBe("success");
    expect(byName.careful).toMatchObject({ status: "skipped", skippedBecause: "assertion s.orders_assertions_uniqueKey failed" });
    // And it waited for the assertion rather than racing it.
    expect(r.started.indexOf("careful")).toBe(-1);
  });

  it("lets a warned assertion through, even for dependOnDependencyAssertions", async () => {
    const actions = [
      table("orders"),
      assertion("orders_check", "orders"),
      table("careful", ["orders"], { dependOnDependencyAssertions: true } as Partial<GraphAction>),
    ];
    const r = runner({ orders_check: "warned" });
    const results = await schedule({ actions, concurrency: 2, runAction: r.runAction });
    expect(results.map((x) => x.status)).toEqual(["success", "warned", "success"]);
    expect(r.finished.indexOf("orders_check")).toBeLessThan(r.started.indexOf("careful"));
  });

  it("does not run disabled actions, and their dependents still run", async () => {
    const actions = [table("off", [], { disabled: true } as Partial<GraphAction>), table("after", ["off"])];
    const r = runner();
    const results = await schedule({ actions, concurrency: 1, runAction: r.runAction });
    expect(results.map((x) => x.status)).toEqual(["disabled", "success"]);
    expect(r.started).toEqual(["after"]);
  });

  it("on abort, lets running actions settle as cancelled and cancels the rest", async () => {
    const controller = new AbortController();
    const actions = [table("a"), table("b"), table("c", ["a"]), table("d", ["c"])];
    const r = runner({}, 50);
    setTimeout(() => controller.abort(), 10);
    const results = await schedule({ actions, concurrency: 2, runAction: r.runAction, signal: controller.signal });
    expect(r.started).toEqual(["a", "b"]);
    expect(results.map((x) => x.status)).toEqual(["cancelled", "cancelled", "cancelled", "cancelled"]);
    expect(results[3].error).toBe("run cancelled before it started");
  });

  it("reports each action once through onStart/onFinish", async () => {
    const actions = [table("a"), table("b", ["a"]), table("c", ["b"])];
    const starts: string[] = [];
    const finishes: string[] = [];
    await schedule({
      actions,
      concurrency: 2,
      runAction: runner({ a: "failed" }).runAction,
      onStart: (a) => starts.push(a.target.name),
      onFinish: (x) => finishes.push(`${x.action.target.name}:${x.status}`),
    });
    expect(starts).toEqual(["a"]);
    expect(finishes).toEqual(["a:failed", "b:skipped", "c:skipped"]);
  });
});
