// Fault tests on the real PostgreSQL server, each in a database of its own (its own run lock):
// a connection killed mid-action, SIGKILL of the runner at seeded random points, two runs at once.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, databaseSnapshot, dropDatabase, pg, pgAvailable, strata, strataChild, tempDir, uniqueName, writeFiles } from "./helpers";
import { Client } from "pg";
import { seeded } from "../helpers/graphs";

const hasPg = pgAvailable();
if (!hasPg) console.warn("faults: PostgreSQL on 127.0.0.1:5432 is not reachable; fault tests skipped (they need a server to kill connections on)");

/** A chain of tables, each stamped with the run's `version` var; `slow` sleeps inside one model. */
function chainProject(dbUrl: string, schema: string, tables: number, sleepSeconds = 0): Record<string, string> {
  const files: Record<string, string> = {
    "dataform.json": JSON.stringify({ warehouse: "postgres", defaultSchema: schema, assertionSchema: `${schema}_a`, vars: { version: "0" } }),
    "targets.yaml": `default: pg\ntargets:\n  pg: { adapter: postgres, url: "${dbUrl}" }\n`,
  };
  for (let i = 1; i <= tables; i++) {
    const from = i === 1 ? "generate_series(1, 1000) g" : `\${ref("t${i - 1}")} p cross join lateral (select p.g) x`;
    const sleep = sleepSeconds > 0 ? `, (select 1 from pg_sleep(${sleepSeconds})) as slept` : "";
    const cols = i === 1 ? "g" : "p.g";
    files[`definitions/t${i}.sqlx`] = `config { type: "table" }\nselect ${cols} as g, '\${dataform.projectConfig.vars.version}' as version${sleep} from ${from}\n`;
  }
  return files;
}

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Per table of the schema: row count and distinct versions (a partial table shows up here). */
async function tableVersions(url: string, schema: string, tables: number): Promise<Record<string, { rows: number; versions: string[] } | null>> {
  const out: Record<string, { rows: number; versions: string[] } | null> = {};
  for (let i = 1; i <= tables; i++) {
    const exists = await query(url, `select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and c.relname = 't${i}'`);
    if (exists.length === 0) {
      out[`t${i}`] = null;
      continue;
    }
    const rows = await query<{ n: string; v: string[] }>(url, `select count(*) as n, array_agg(distinct version) as v from "${schema}".t${i}`);
    out[`t${i}`] = { rows: Number(rows[0].n), versions: rows[0].v };
  }
  return out;
}


describe.runIf(hasPg)("faults on PostgreSQL", () => {
  const db = uniqueName("h9fault");
  let url = "";
  const dirs: string[] = [];
  const project = (files: Record<string, string>) => {
    const dir = writeFiles(tempDir("strata-faults-"), files);
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    url = await createDatabase(db);
  }, 60_000);
  afterAll(async () => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await dropDatabase(db);
  });

  it("a connection killed mid-action: retried or a clean failure, never a partial table", async () => {
    const dir = project(chainProject(url, "killconn", 2, 2));
    const { child, done } = strataChild(["run", dir, "--wait", "--vars", "version=1"]);
    // Wait for the slow model's query, then terminate its backend from another connection.
    let killed = 0;
    for (let i = 0; i < 200 && killed === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const rows = await pg<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = $1 and application_name = 'strata' and query like '%pg_sleep%' and state = 'active' and pid <> pg_backend_pid()`,
        [db],
      );
      killed = rows[0].n;
    }
    const r = await done;
    expect(killed).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect([0, 1]).toContain(r.code);
    const tables = await tableVersions(url, "killconn", 2);
    for (const t of Object.values(tables)) if (t) expect(t).toEqual({ rows: 1000, versions: ["1"] });
    if (r.code === 0) expect(tables.t2).toEqual({ rows: 1000, versions: ["1"] });
    // No temp objects left behind.
    expect((await databaseSnapshot(url)).filter((x) => x.includes("__strata"))).toEqual([]);
    child.kill();
  }, 120_000);

  it("two runs at once on one target: one runs, the other stops at once with a clear message", async () => {
    const dir = project(chainProject(url, "twice", 1, 2));
    const first = strataChild(["run", dir, "--vars", "version=1"]);
    // Start the second once the first holds the lock (its slow query is running).
    for (let i = 0; i < 200; i++) {
      const rows = await pg(`select 1 from pg_stat_activity where datname = $1 and query like '%pg_sleep%' and state = 'active' and pid <> pg_backend_pid()`, [db]);
      if (rows.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = await strata(["run", dir, "--vars", "version=2"]);
    const firstResult = await first.done;
    expect(firstResult.code, firstResult.stderr).toBe(0);
    expect(second.code).toBe(2);
    expect(second.stderr.trim()).toMatch(/^error: another strata run holds the lock on postgres target "pg" \(backend pid \d+ from 127\.0\.0\.1, connected [0-9T:.Z-]+\)$/);
    expect(await tableVersions(url, "twice", 1)).toEqual({ t1: { rows: 1000, versions: ["1"] } });
  }, 120_000);

  it("SIGKILL at 8 seeded random points of a versioned chain: every table old or new, never partial or missing; the next run completes", async () => {
    const TABLES = 6;
    const dir = project(chainProject(url, "sigkill", TABLES, 0.1));
    const timed = Date.now();
    const initial = await strata(["run", dir, "--wait", "--vars", "version=0"]);
    expect(initial.code, initial.stderr).toBe(0);
    // Kill points are spread over the length of a real run on this machine (fast or loaded alike).
    const runMs = Date.now() - timed;
    const random = seeded(20261121);
    const seen = new Set(["0"]);
    let killedMidRun = 0;
    for (let point = 1; point <= 8; point++) {
      const delay = Math.floor(runMs * (0.1 + 0.8 * random()));
      const { child, done } = strataChild(["run", dir, "--wait", "--vars", `version=${point}`]);
      const timer = setTimeout(() => child.kill("SIGKILL"), delay);
      const r = await done;
      clearTimeout(timer);
      seen.add(String(point));
      if (r.code === null) killedMidRun++;
      const tables = await tableVersions(url, "sigkill", TABLES);
      for (const [name, t] of Object.entries(tables)) {
        expect(t, `point ${point} (${delay} ms, exit ${r.code}): ${name}`).not.toBeNull();
        expect(t!.rows, `point ${point}: ${name} rows`).toBe(1000);
        expect(t!.versions.length, `point ${point}: ${name} mixes versions`).toBe(1);
        expect(seen.has(t!.versions[0])).toBe(true);
      }
    }
    // The kill points must land inside runs, not after them, for this to prove anything.
    expect(killedMidRun).toBeGreaterThanOrEqual(4);
    const last = await strata(["run", dir, "--wait", "--vars", "version=final"]);
    expect(last.code, last.stderr).toBe(0);
    const tables = await tableVersions(url, "sigkill", TABLES);
    for (const t of Object.values(tables)) expect(t).toEqual({ rows: 1000, versions: ["final"] });
    expect((await databaseSnapshot(url)).filter((x) => x.includes("__strata"))).toEqual([]);
  }, 600_000);
});
