// `strata run` end to end on the real PostgreSQL server: order, failures and skips, assertion
// severities, dry runs, the run lock, run_results.json, strata_meta, SIGKILL and Ctrl-C.
// All in one file: the run lock is per database, so these runs must not race each other.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/runner/results";
import { runProject } from "../../src/runner/run";
import {
  dropSchemas,
  makeProject,
  pgAvailable,
  pgQuery,
  postgresTargets,
  sleep,
  strata,
  strataAsync,
  uniqueName,
  waitForOutput,
} from "./fixtures";

const available = pgAvailable();
if (!available) console.warn("PostgreSQL at 127.0.0.1:5432 is not reachable: skipping the runner's postgres tests");

const schemas: string[] = [];
const dirs: string[] = [];
function project(files: Record<string, string>, config: Record<string, unknown> = {}): { dir: string; schema: string } {
  const schema = uniqueName("runner");
  schemas.push(schema, `${schema}_assertions`);
  const dir = makeProject({ defaultSchema: schema, files, targets: postgresTargets, config });
  dirs.push(dir);
  return { dir, schema };
}

const chain = {
  "definitions/a.sqlx": `config { type: "table" }\nselect 1 as id union all select 2`,
  "definitions/b.sqlx": `config { type: "table" }\nselect id * 10 as v from \${ref("a")}`,
  "definitions/c.sqlx": `config { type: "view" }\nselect count(*) as n from \${ref("b")}`,
};

async function strataObjects(schema: string): Promise<string[]> {
  const rows = await pgQuery<{ relname: string }>(
    `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and c.relname like '%\\_\\_strata\\_%' order by 1`,
  );
  return rows.map((r) => r.relname);
}

async function noStatementRunning(marker: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const rows = await pgQuery(`select 1 from pg_stat_activity where query like '%${marker}%' and pid <> pg_backend_pid()`);
    if (rows.length === 0) return;
    await sleep(100);
  }
  throw new Error(`statement ${marker} still running`);
}

describe.skipIf(!available)("strata run on PostgreSQL", () => {
  beforeAll(() => {
    // The CLI tests spawn the built bundle.
    expect(fs.existsSync(path.resolve(__dirname, "../../../dist/strata.js"))).toBe(true);
  });
  afterAll(async () => {
    await dropSchemas(...schemas);
    const ours = dirs.map((d) => `'${d.replace(/'/g, "''")}'`).join(", ");
    if (ours) await pgQuery(`delete from strata_meta.runs where project_dir in (${ours})`).catch(() => undefined);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("runs models in dependency order and records run_results.json and strata_meta", async () => {
    const { dir, schema } = project(chain);
    const outcome = await runProject({ projectDir: dir, wait: true });
    expect(outcome.exitCode).toBe(0);
    expect(await pgQuery(`select n::int from "${schema}".c`)).toEqual([{ n: 2 }]);
    expect(await pgQuery(`select v from "${schema}".b order by v`)).toEqual([{ v: 10 }, { v: 20 }]);

    const file: RunResults = JSON.parse(fs.readFileSync(path.join(dir, ".strata/run_results.json"), "utf8"));
    expect(file).toMatchObject({ target: "pg", adapter: "postgres", status: "success", exitCode: 0 });
    expect(file.actions.map((a) => [a.name, a.type, a.status])).toEqual([
      [`${schema}.a`, "table", "success"],
      [`${schema}.b`, "table", "success"],
      [`${schema}.c`, "view", "success"],
    ]);
    expect(file.actions[0].rowsAffected).toBe(2);
    const started = file.actions.map((a) => Date.parse(a.startedAt!));
    const finished = file.actions.map((a) => Date.parse(a.finishedAt!));
    expect(finished[0]).toBeLessThanOrEqual(started[1]);
    expect(finished[1]).toBeLessThanOrEqual(started[2]);

    const runs = await pgQuery(`select status, exit_code, target from strata_meta.runs where run_id = '${file.runId}'`);
    expect(runs).toEqual([{ status: "success", exit_code: 0, target: "pg" }]);
    const rows = await pgQuery(
      `select action_name, status, rows_affected::int as rows from strata_meta.action_results where run_id = '${file.runId}' order by action_name`,
    );
    expect(rows).toEqual([
      { action_name: `${schema}.a`, status: "success", rows: 2 },
      { action_name: `${schema}.b`, status: "success", rows: 2 },
      { action_name: `${schema}.c`, status: "success", rows: null },
    ]);
  });

  it("skips the dependents of a failed model while its siblings succeed, and exits 1", () => {
    const { dir, schema } = project({
      "definitions/a.sqlx": chain["definitions/a.sqlx"],
      "definitions/bad.sqlx": `config { type: "table" }\nselect id from \${ref("a")} join no_such_relation_here using (id)`,
      "definitions/child.sqlx": `config { type: "view" }\nselect * from \${ref("bad")}`,
      "definitions/grandchild.sqlx": `config { type: "view" }\nselect * from \${ref("child")}`,
      "definitions/sibling.sqlx": `config { type: "table" }\nselect id from \${ref("a")}`,
    });
    const r = strata(["run", dir, "--wait"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✓ ${schema}.a  table`);
    expect(r.stdout).toContain(`✓ ${schema}.sibling  table`);
    expect(r.stdout).toMatch(new RegExp(`✗ ${schema}\\.bad  table  \\S+  error: relation "no_such_relation_here" does not exist`));
    expect(r.stdout).toContain(`- ${schema}.child  view  skipped (dependency ${schema}.bad failed)`);
    expect(r.stdout).toContain(`- ${schema}.grandchild  view  skipped (dependency ${schema}.bad failed)`);
    expect(r.stdout).toMatch(/Run failed in .*: 2 success, 1 failed, 2 skipped/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const results: RunResults = JSON.parse(fs.readFileSync(path.join(dir, ".strata/run_results.json"), "utf8"));
    expect(results.actions.find((a) => a.name === `${schema}.grandchild`)).toMatchObject({ status: "skipped", blockedBy: [`${schema}.bad`] });
  });

  it("exits 0 when only a warn assertion fails and 1 when an error assertion fails", () => {
    const warn = project({
      ...chain,
      "assertions/few_rows.sqlx": `config { type: "assertion", severity: "warn" }\nselect * from \${ref("a")} where id > 1`,
    });
    const w = strata(["run", warn.dir, "--wait"]);
    expect(w.code).toBe(0);
    expect(w.stdout).toContain(`! ${warn.schema}_assertions.few_rows  assertion`);
    expect(w.stdout).toContain("warning: 1 failing row");

    const error = project({
      ...chain,
      "assertions/few_rows.sqlx": `config { type: "assertion" }\nselect * from \${ref("a")} where id > 1`,
    });
    const e = strata(["run", error.dir, "--wait", "--json"]);
    expect(e.code).toBe(1);
    const events = e.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const finished = events.find((ev) => ev.event === "action_finished" && ev.name === `${error.schema}_assertions.few_rows`);
    expect(finished).toMatchObject({ status: "failed", assertion: { severity: "error", failingRows: 1, sample: [{ id: 2 }] } });
    expect(events.at(-1)).toMatchObject({ event: "run_finished", status: "failed", exitCode: 1 });
  });

  it("blocks dependOnDependencyAssertions dependents on a failed assertion; plain dependents still run", async () => {
    const { dir, schema } = project({
      "definitions/orders.sqlx": `config { type: "table", assertions: { rowConditions: ["amount > 0"] } }\nselect 1 as id, -5 as amount`,
      "definitions/plain.sqlx": `config { type: "view" }\nselect * from \${ref("orders")}`,
      "definitions/careful.sqlx": `config { type: "view", dependOnDependencyAssertions: true }\nselect * from \${ref("orders")}`,
    });
    const outcome = await runProject({ projectDir: dir, wait: true });
    expect(outcome.exitCode).toBe(1);
    const byName = Object.fromEntries(outcome.results!.actions.map((a) => [a.target.name, a]));
    const assertion = outcome.results!.actions.find((a) => a.type === "assertion")!;
    expect(assertion).toMatchObject({ status: "failed", assertion: { failingRows: 1, sample: [{ id: 1, amount: -5 }] } });
    expect(byName.plain.status).toBe("success");
    expect(byName.careful).toMatchObject({ status: "skipped", skippedBecause: `assertion ${assertion.name} failed` });
    expect(await pgQuery(`select 1 from pg_views where schemaname = '${schema}' and viewname = 'careful'`)).toEqual([]);
  });

  it("runs independent actions at once, up to concurrentQueryLimit", async () => {
    const sleeper = `config { type: "operations" }\nselect pg_sleep(0.8)`;
    const { dir } = project({ "definitions/s1.sqlx": sleeper, "definitions/s2.sqlx": sleeper, "definitions/s3.sqlx": sleeper }, { concurrentQueryLimit: 3 });
    const r = strata(["run", dir, "--json", "--wait"]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: "run_started", concurrency: 3 });
    const ran = events.filter((e) => e.event === "action_finished");
    expect(ran).toHaveLength(3);
    // Every one started before any other finished: they overlapped.
    const lastStart = Math.max(...ran.map((e) => Date.parse(e.startedAt)));
    const firstFinish = Math.min(...ran.map((e) => Date.parse(e.finishedAt)));
    expect(lastStart).toBeLessThan(firstFinish);
  });

  it("--dry-run prints the SQL of every selected action in order and creates nothing", async () => {
    const { dir, schema } = project(chain);
    const r = strata(["run", dir, "--dry-run", "--actions", "c", "--include-deps"]);
    expect(r.code).toBe(0);
    const a = r.stdout.indexOf(`-- ${schema}.a (table)`);
    const b = r.stdout.indexOf(`-- ${schema}.b (table)`);
    const c = r.stdout.indexOf(`-- ${schema}.c (view)`);
    expect(a).toBeGreaterThan(-1);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
    expect(r.stdout).toMatch(/create (or replace )?view/i);
    expect(r.stdout).toContain("planned against the current state");
    expect(await pgQuery(`select 1 from pg_namespace where nspname = '${schema}'`)).toEqual([]);
    expect(fs.existsSync(path.join(dir, ".strata/run_results.json"))).toBe(false);
  });

  it("fails fast with a clear message when another run holds the lock, and --wait waits", async () => {
    const { dir, schema } = project({
      "definitions/slow.sqlx": `config { type: "operations" }\nselect pg_sleep(30)`,
      "definitions/quick.sqlx": `config { type: "table" }\nselect 1 as one`,
    });
    const first = strataAsync(["run", dir, "--json", "--wait", "--actions", "slow"]);
    await waitForOutput(first.child, (text) => text.includes(`"event":"action_started","name":"${schema}.slow"`));
    const second = strata(["run", dir, "--actions", "quick"]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/^error: another strata run holds the lock on postgres target "pg"/);
    expect(second.stderr.trim().split("\n")).toHaveLength(1);

    const waiter = strataAsync(["run", dir, "--wait", "--actions", "quick"]);
    await sleep(1500);
    expect(waiter.child.exitCode).toBeNull(); // still waiting for the lock
    first.child.kill("SIGINT"); // cancels the 30 s query and releases the lock
    expect((await first.done).code).toBe(1);
    const waited = await waiter.done;
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain(`✓ ${schema}.quick  table`);
  });

  it("after SIGKILL mid-run, tables keep their previous contents and the next run cleans up and completes", async () => {
    const { dir, schema } = project({ "definitions/t.sqlx": `config { type: "table" }\nselect 1 as v` });
    expect(strata(["run", dir, "--wait"]).code).toBe(0);

    makeProject({ defaultSchema: schema, targets: postgresTargets, files: { "definitions/t.sqlx": `config { type: "table" }\nselect 2 as v from pg_sleep(2.5)` } }, dir);
    const killed = strataAsync(["run", dir, "--json", "--wait"]);
    await waitForOutput(killed.child, (text) => text.includes(`"event":"action_started","name":"${schema}.t"`));
    await sleep(700);
    killed.child.kill("SIGKILL");
    await killed.done;
    await noStatementRunning("pg_sleep(2.5)");
    expect(await pgQuery(`select v from "${schema}".t`)).toEqual([{ v: 1 }]);
    // The half-built table of the killed run is still there (its CREATE … AS committed after the kill)…
    const leftovers = await strataObjects(schema);
    expect(leftovers).toEqual([expect.stringMatching(/^t__strata_tmp_/)]);

    // …until the next run removes it, says so, and completes.
    const next = strata(["run", dir, "--wait"]);
    expect(next.code).toBe(0);
    expect(next.stdout).toContain(`removed 1 temp object(s) left by an interrupted run: ${schema}.${leftovers[0]}`);
    expect(await pgQuery(`select v from "${schema}".t`)).toEqual([{ v: 2 }]);
    expect(await strataObjects(schema)).toEqual([]);
  });

  it("Ctrl-C cancels the running query, leaves no temp objects and exits 1 saying so", async () => {
    const { dir, schema } = project({
      "definitions/t.sqlx": `config { type: "table" }\nselect 1 as v from pg_sleep(10)`,
      "definitions/after.sqlx": `config { type: "view" }\nselect * from \${ref("t")}`,
    });
    const run = strataAsync(["run", dir, "--json", "--wait"]);
    await waitForOutput(run.child, (text) => text.includes(`"event":"action_started","name":"${schema}.t"`));
    await sleep(500);
    const sentAt = Date.now();
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(Date.now() - sentAt).toBeLessThan(5000); // the 10 s query was cancelled, not waited for
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("run cancelled");
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ event: "run_finished", status: "cancelled", exitCode: 1, totals: { cancelled: 2 } });
    expect(await strataObjects(schema)).toEqual([]);
    expect(await pgQuery(`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and relname = 't'`)).toEqual([]);
  });

  it("exits 3 when the server cannot be reached, and 2 for a project that does not compile", () => {
    const { dir } = project(chain);
    fs.writeFileSync(path.join(dir, "targets.yaml"), `default: pg\ntargets:\n  pg: { adapter: postgres, url: "postgres://postgres:s3cretpw@127.0.0.1:1/test", connectTimeoutMs: 2000 }\n`);
    const down = strata(["run", dir]);
    expect(down.code).toBe(3);
    expect(down.stderr).not.toContain("s3cretpw");
    expect(down.stderr.trim().split("\n")).toHaveLength(1);

    fs.writeFileSync(path.join(dir, "definitions/broken.sqlx"), `config { type: "table", bogusKey: 1 }\nselect 1`);
    fs.writeFileSync(path.join(dir, "definitions/missing.sqlx"), `config { type: "table" }\nselect * from \${ref("no_such_model")}`);
    const invalid = strata(["run", dir]);
    expect(invalid.code).toBe(2);
    const lines = invalid.stderr.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^error: definitions\/broken\.sqlx:\d+(:\d+)?: .*bogusKey/);
  });
});
