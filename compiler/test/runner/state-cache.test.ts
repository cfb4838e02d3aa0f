// The state cache reads the catalog once for the whole run, and again only where the run may
// have changed it (an action's own target after it ran; everything after an `operations`).
import { describe, expect, it } from "vitest";
import type { GraphAction, Target } from "../../src/graph/types";
import { StateCache } from "../../src/runner/state-cache";
import type { RelationInfo, WarehouseState } from "../../src/warehouse/warehouse";

const t = (name: string): Target => ({ schema: "s", name });
const table = (name: string): GraphAction =>
  ({ kind: "table", target: t(name), canonicalTarget: t(name), type: "table", enumType: "TABLE", query: "", dependencyTargets: [], tags: [], fileName: "" }) as GraphAction;
const operation = (name: string): GraphAction =>
  ({ kind: "operation", target: t(name), canonicalTarget: t(name), queries: [], dependencyTargets: [], tags: [], fileName: "" }) as GraphAction;

function fakeWarehouse(existing: Set<string>) {
  const reads: string[][] = [];
  return {
    reads,
    async readState(targets: Target[]): Promise<WarehouseState> {
      reads.push(targets.map((x) => x.name));
      const relations = new Map<string, RelationInfo>();
      for (const x of targets) {
        if (existing.has(x.name)) relations.set(`s.${x.name}`, { schema: "s", name: x.name, kind: "table", columns: [], dependents: [], grants: [] });
      }
      return { relations, schemas: new Set(existing.size ? ["s"] : []) };
    },
  };
}

describe("StateCache", () => {
  it("reads every target once, then only what the run changed", async () => {
    const existing = new Set(["a"]);
    const wh = fakeWarehouse(existing);
    const cache = new StateCache(wh);
    await cache.prime([t("a"), t("b"), t("c")]);
    expect((await cache.stateFor(table("a"))).relations.has("s.a")).toBe(true);
    expect((await cache.stateFor(table("b"))).relations.has("s.b")).toBe(false);
    expect(wh.reads).toEqual([["a", "b", "c"]]);

    // b ran: its own entry is read again if it is ever planned again (a retry).
    existing.add("b");
    cache.changed(table("b"));
    expect((await cache.stateFor(table("b"))).relations.has("s.b")).toBe(true);
    expect(wh.reads).toEqual([["a", "b", "c"], ["b"]]);

    // An operation may have changed anything: c is read again before it is planned.
    existing.add("c");
    cache.changed(operation("op"));
    expect((await cache.stateFor(table("c"))).relations.has("s.c")).toBe(true);
    await cache.stateFor(table("c"));
    expect(wh.reads).toEqual([["a", "b", "c"], ["b"], ["c"]]);
  });

  it("knows a schema exists once an action in it succeeded", async () => {
    const cache = new StateCache(fakeWarehouse(new Set()));
    await cache.prime([t("a")]);
    expect((await cache.stateFor(table("a"))).schemas.has("s")).toBe(false);
    cache.built(table("a"));
    expect((await cache.stateFor(table("a"))).schemas.has("s")).toBe(true);
  });
});
