// A run with one of each outcome, shared by the progress and strata_meta tests.
import type { RunResults } from "../../src/runner/results";
import { buildRunResults } from "../../src/runner/run-results";

export const results: RunResults = buildRunResults({
  runId: "20261121_120000_abcd",
  target: { name: "local", adapter: "pglite" },
  startedAt: new Date(Date.now() - 1500),
  cancelled: false,
  actions: [
    { name: "staging.orders", target: { schema: "staging", name: "orders" }, type: "table", status: "success", durationMs: 1234, rowsAffected: 1234, attempts: 1 },
    {
      name: "staging.orders_assertions_nonNull",
      target: { schema: "staging", name: "orders_assertions_nonNull" },
      type: "assertion",
      status: "failed",
      durationMs: 20,
      error: "3 failing rows",
      assertion: { severity: "error", failingRows: 3, sample: [{ id: 1, note: "it's null" }] },
    },
    { name: "marts.sales", target: { schema: "marts", name: "sales" }, type: "view", status: "failed", durationMs: 5, error: `relation "x" does not exist` },
    { name: "marts.top", target: { schema: "marts", name: "top" }, type: "table", status: "skipped", skippedBecause: "dependency marts.sales failed" },
  ],
});
