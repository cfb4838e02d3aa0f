import { describe, expect, it } from "vitest";
import { highlightSql } from "../../src/docs/browser/highlight";
import { html } from "../../src/docs/browser/html";
import { buildSearchIndex, searchModels } from "../../src/docs/browser/search";
import type { DocsNode } from "../../src/docs/docs-data";
import { assignColumns, layoutDag, NODE_HEIGHT, neighbourhood } from "../../src/docs/layout";

describe("layered layout", () => {
  it("puts every node one column right of its deepest dependency", () => {
    // 0 → 1 → 2, 0 → 2, 3 alone
    expect([...assignColumns([[], [0], [1, 0], []])]).toEqual([0, 1, 2, 0]);
  });

  it("terminates on a cycle instead of hanging", () => {
    expect(assignColumns([[1], [0], []]).length).toBe(3);
  });

  it("orders a column by its neighbours to avoid crossings", () => {
    // a0,a1 in column 0; b0 depends on a1, b1 on a0: barycenters swap b0 and b1.
    const l = layoutDag({ deps: [[], [], [1], [0]], sortKey: (i) => String(i) });
    expect(l.y[0]).toBeLessThan(l.y[1]);
    expect(l.y[3]).toBeLessThan(l.y[2]);
    expect(l.x[2]).toBeGreaterThan(l.x[0]);
  });

  it("wraps a tall column into lanes and never overlaps nodes", () => {
    const deps = Array.from({ length: 101 }, (_, i) => (i === 0 ? [] : [0]));
    const l = layoutDag({ deps, sortKey: (i) => String(i).padStart(4, "0"), maxRows: 20 });
    const lanes = new Set([...l.x].slice(1));
    expect(lanes.size).toBe(5);
    const seen = new Set<string>();
    for (let i = 0; i < deps.length; i++) seen.add(`${l.x[i]},${l.y[i]}`);
    expect(seen.size).toBe(deps.length);
    expect(l.bounds.maxY - l.bounds.minY).toBeLessThanOrEqual(20 * (NODE_HEIGHT + 20));
  });

  it("lays out 5,000 nodes with every edge pointing right and no two nodes on one spot", () => {
    const n = 5000;
    const deps = Array.from({ length: n }, (_, i) => (i < 500 ? [] : [i - 500, (i * 7) % i, (i * 13) % i]));
    const l = layoutDag({ deps, sortKey: (i) => String(i) });
    for (let i = 0; i < n; i++) for (const d of deps[i]) expect(l.x[d] < l.x[i]).toBe(true);
    expect(new Set([...l.x].map((x, i) => `${x},${l.y[i]}`)).size).toBe(n);
  });

  it("finds the neighbourhood N levels up and down, not sideways", () => {
    // 0 → 1 → 2 → 3, and 4 → 2 (a sibling parent of 2)
    const deps = [[], [0], [1, 4], [2], []];
    const dependents = [[1], [2], [3], [], [2]];
    expect([...neighbourhood(1, 1, deps, dependents)].sort()).toEqual([0, 1, 2]);
    expect([...neighbourhood(1, 2, deps, dependents)].sort()).toEqual([0, 1, 2, 3]);
  });
});

function node(id: string, extra: Partial<DocsNode> = {}): DocsNode {
  const [schema, name] = id.split(".");
  return {
    id, name, schema, type: "table", layer: "marts", tags: [], schedule: [], fileName: "", sql: [], preOps: [], postOps: [],
    columns: [], deps: [], dependents: [], assertions: [], ...extra,
  };
}

describe("search", () => {
  const index = buildSearchIndex([
    node("marts.orders_daily", { description: "Orders per day" }),
    node("ods.orders"),
    node("ods.customers", { columns: [{ name: "order_count", description: "how many orders", tests: [] }] }),
    node("staging.payments", { tags: ["finance"], description: "Card payments." }),
  ]);

  it("ranks exact names over prefixes over columns", () => {
    expect(searchModels(index, "orders").map((h) => h.id)).toEqual(["ods.orders", "marts.orders_daily", "ods.customers"]);
  });

  it("reports the column that matched", () => {
    expect(searchModels(index, "order_count")).toEqual([{ id: "ods.customers", score: 35, matchedOn: "column", column: "order_count" }]);
  });

  it("needs every word to match, and finds tags and descriptions", () => {
    expect(searchModels(index, "finance card").map((h) => h.id)).toEqual(["staging.payments"]);
    expect(searchModels(index, "orders nothing")).toEqual([]);
    expect(searchModels(index, "   ")).toEqual([]);
  });
});

describe("SQL highlighting and HTML escaping", () => {
  it("marks keywords, strings, comments, numbers and placeholders, and escapes HTML", () => {
    const out = highlightSql(`select '<b>' as x, 42 -- note\nfrom \${ref("t")} where a < 1`);
    expect(out).toContain('<span class="tok-keyword">select</span>');
    expect(out).toContain('<span class="tok-string">&#39;&#60;b&#62;&#39;</span>');
    expect(out).toContain('<span class="tok-number">42</span>');
    expect(out).toContain('<span class="tok-comment">-- note</span>');
    expect(out).toContain('<span class="tok-template">${ref(&#34;t&#34;)}</span>');
    expect(out).toContain('a &#60; <span class="tok-number">1</span>');
    expect(out).not.toContain("<b>");
  });

  it("escapes interpolated values in templates", () => {
    expect(html`<p>${"<script>"}</p>${[html`<i>${"&"}</i>`]}`.value).toBe("<p>&#60;script&#62;</p><i>&#38;</i>");
  });
});
