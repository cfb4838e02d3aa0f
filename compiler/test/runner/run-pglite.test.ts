// `strata run` on the embedded default (PGlite, no targets.yaml), through the built CLI: a run with
// a failure and a warning, strata_meta inside the embedded warehouse, dry runs that create
// nothing, the lock between two processes, and flag errors (exit 2, nothing executed).
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/runner/results";
import { PgliteWarehouse } from "../../src/warehouse/pglite";
import { makeProject, sleep, strata, strataAsync, uniqueName } from "./fixtures";

const schema = uniqueName("runner_lite");
const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = makeProject({ defaultSchema: schema, files });
  dirs.push(dir);
  return dir;
}
// Creating an embedded warehouse (initdb) is the slow part: the runs that need one share it.
let shared: string | undefined;
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const files = {
  "definitions/orders.sqlx": `config { type: "table", assertions: { nonNull: ["id"] } }\nselect g as id, g * 2 as amount from generate_series(1, 5) g`,
  "definitions/big_orders.sqlx": `config { type: "view" }\nselect * from \${ref("orders")} where amount > 4`,
  "definitions/broken.sqlx": `config { type: "table" }\nselect amount / 0 as boom from \${ref("orders")}`,
  "definitions/after_broken.sqlx": `config { type: "view" }\nselect * from \${ref("broken")}`,
  "assertions/small_orders.sqlx": `config { type: "assertion", severity: "warn" }\nselect * from \${ref("orders")} where amount < 5`,
};

describe("strata run on the embedded warehouse", () => {
  it("runs, fails and skips as it should, and records strata_meta inside the warehouse", async () => {
    const dir = (shared = project(files));
    const r = strata(["run", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✓ ${schema}.orders  table`);
    expect(r.stdout).toContain("5 rows");
    expect(r.stdout).toContain(`✗ ${schema}.broken  table`);
    expect(r.stdout).toContain("error: division by zero");
    expect(r.stdout).toContain(`- ${schema}.after_broken  view  skipped (dependency ${schema}.broken failed)`);
    expect(r.stdout).toContain(`! ${schema}_assertions.small_orders  assertion`);
    expect(r.stdout).toContain("warning: 2 failing rows");

    const results: RunResults = JSON.parse(fs.readFileSync(path.join(dir, ".strata/run_results.json"), "utf8"));
    expect(results).toMatchObject({ target: "local", adapter: "pglite", status: "failed", exitCode: 1 });
    expect(results.totals).toMatchObject({ success: 3, failed: 1, skipped: 1, warned: 1 });
    const warned = results.actions.find((a) => a.status === "warned")!;
    expect(warned.assertion).toEqual({ severity: "warn", failingRows: 2, sample: [{ id: 1, amount: 2 }, { id: 2, amount: 4 }] });

    const wh = new PgliteWarehouse({ dataDir: path.join(dir, ".strata/warehouse") });
    await wh.connect();
    try {
      const runs = await wh.execute(`select status, exit_code from strata_meta.runs where run_id = '${results.runId}'`);
      expect(runs.rows).toEqual([{ status: "failed", exit_code: 1 }]);
      const counted = await wh.execute(`select count(*)::int as n from strata_meta.action_results where run_id = '${results.runId}'`);
      expect(counted.rows[0].n).toBe(results.actions.length);
      const big = await wh.execute(`select count(*)::int as n from "${schema}".big_orders`);
      expect(big.rows[0].n).toBe(3);
    } finally {
      await wh.close();
    }
  });

  it("--dry-run on a fresh clone plans against an empty warehouse, says so, and creates nothing", () => {
    const dir = project(files);
    const r = strata(["run", dir, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("planned against an empty warehouse: the embedded warehouse .strata/warehouse does not exist yet");
    expect(r.stdout).toContain(`-- ${schema}.orders (table)`);
    expect(r.stdout).toMatch(/create table "[^"]+"\."orders__strata_tmp_\w+" as/);
    expect(fs.existsSync(path.join(dir, ".strata/warehouse"))).toBe(false);
    expect(fs.existsSync(path.join(dir, ".strata/run_results.json"))).toBe(false);
  });

  it("--dry-run --json prints every plan whole, even far beyond a 64 KB pipe buffer", () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 300; i++) many[`definitions/m${i}.sqlx`] = `config { type: "table" }\nselect ${i} as id, '${"x".repeat(300)}' as pad`;
    const dir = project(many);
    const r = strata(["run", dir, "--dry-run", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(200_000);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.actions).toHaveLength(300);
    expect(parsed.actions[0].steps.length).toBeGreaterThan(0);
  });

  it("fails fast while another process holds the embedded warehouse, and --wait waits for it", async () => {
    const files = { "definitions/quick.sqlx": `config { type: "table" }\nselect 1 as one` };
    const dir = shared ? makeProject({ defaultSchema: schema, files }, shared) : project(files);
    // Another process with the warehouse open: exactly what a concurrent `strata run` holds.
    const holder = new PgliteWarehouse({ dataDir: path.join(dir, ".strata/warehouse"), displayName: ".strata/warehouse" });
    await holder.connect();
    let holding = true;
    try {
      const second = strata(["run", dir]);
      expect(second.code).not.toBe(0);
      expect(second.stderr).toMatch(/^error: the embedded warehouse at \.strata\/warehouse is in use by another strata process \(pid \d+\)\n$/);

      const waiter = strataAsync(["run", dir, "--wait"]);
      await sleep(1500);
      expect(waiter.child.exitCode).toBeNull(); // still waiting
      await holder.close();
      holding = false;
      const waited = await waiter.done;
      expect(waited.code).toBe(0);
      expect(waited.stdout).toContain(`✓ ${schema}.quick  table`);
    } finally {
      if (holding) await holder.close();
    }
  });

  it("rejects bad flags and selections with exit 2 and one line, executing nothing", () => {
    const dir = project(files);
    const cases: [string[], RegExp][] = [
      [["--concurrency", "abc"], /--concurrency expects a whole number of at least 1; got "abc"/],
      [["--concurrency", "0"], /--concurrency expects a whole number/],
      [["--vars", "novalue"], /--vars expects key=value pairs/],
      [["--actions", "no_such_model"], /no action matches the selection \(no_such_model\)/],
      [["--bogus"], /unknown option '--bogus'/],
      [["--target", "nowhere"], /unknown target "nowhere"/],
    ];
    for (const [flags, message] of cases) {
      const r = strata(["run", dir, ...flags]);
      expect(r.code, flags.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(fs.existsSync(path.join(dir, ".strata/warehouse"))).toBe(false);
    expect(fs.existsSync(path.join(dir, ".strata/run_results.json"))).toBe(false);
  });

  it("--no-alerts is accepted", () => {
    const dir = project(files);
    const r = strata(["run", dir, "--no-alerts", "--dry-run", "--actions", "orders"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`-- ${schema}.orders (table)`);
    expect(r.stdout).not.toContain(`-- ${schema}.big_orders`);
  });
});
