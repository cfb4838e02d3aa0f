// SIGKILL of `strata run` at 20 seeded random points of a full reference-platform run (landing →
// staging → ODS → marts, assertions) on the real PostgreSQL server, in a database of its own.
// After every kill each relation the platform had is still there with exactly its complete
// contents (never partial, never missing); the next run completes and leaves no temp objects.
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, pgAvailable, repoRoot, strata, strataChild, tempDir } from "./helpers";
import { seeded } from "../helpers/graphs";

const hasPg = pgAvailable();
if (!hasPg) console.warn("sigkill-platform: PostgreSQL on 127.0.0.1:5432 is not reachable; skipped");


/** `schema.name` → row count and a checksum of its rows, for every platform relation (temp objects apart). */
async function contents(url: string): Promise<{ relations: Record<string, string>; temps: string[] }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ s: string; n: string }>(
      `select n.nspname as s, c.relname as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r','v','m','p') and n.nspname not in ('pg_catalog','information_schema','strata_meta')
          and n.nspname not like 'pg_%' order by 1, 2`,
    );
    const relations: Record<string, string> = {};
    const temps: string[] = [];
    for (const { s, n } of rows) {
      if (n.includes("__strata")) {
        temps.push(`${s}.${n}`);
        continue;
      }
      const q = await c.query<{ k: string; h: string }>(`select count(*)::text as k, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${s}"."${n}" t`);
      relations[`${s}.${n}`] = `${q.rows[0].k}:${q.rows[0].h}`;
    }
    return { relations, temps };
  } finally {
    await c.end();
  }
}

describe.runIf(hasPg)("SIGKILL during a reference-platform run (PostgreSQL)", () => {
  const db = `h9kill_${Date.now().toString(36)}`;
  let url = "";
  let dir = "";

  beforeAll(async () => {
    url = await createDatabase(db);
    dir = tempDir("strata-sigkill-");
    for (const part of ["dataform.json", "definitions", "includes", "assertions", "landing"]) {
      fs.cpSync(path.join(repoRoot, part), path.join(dir, part), { recursive: true });
    }
    fs.writeFileSync(path.join(dir, "targets.yaml"), `default: pg\ntargets:\n  pg: { adapter: postgres, url: "${url}" }\n`);
    const load = await strata(["load", dir]);
    expect(load.code, load.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabase(db);
  });

  it("20 kill points: every relation old or new, never partial or missing; the next run completes", async () => {
    const initial = await strata(["run", dir, "--wait"]);
    expect(initial.code, initial.stderr).toBe(0);
    // Kill points are spread over the length of a real run on this machine (fast or loaded alike).
    const timed = Date.now();
    const calibration = await strata(["run", dir, "--wait", "--full-refresh"]);
    expect(calibration.code, calibration.stderr).toBe(0);
    const runMs = Date.now() - timed;
    const before = await contents(url);
    expect(Object.keys(before.relations).length).toBeGreaterThan(30);
    const random = seeded(10_2026);
    let killedMidRun = 0;
    for (let point = 1; point <= 20; point++) {
      const delay = Math.floor(runMs * (0.1 + 0.8 * random()));
      const { child, done } = strataChild(["run", dir, "--wait", "--full-refresh"]);
      const timer = setTimeout(() => child.kill("SIGKILL"), delay);
      const r = await done;
      clearTimeout(timer);
      if (r.code === null) killedMidRun++;
      else expect(r.code, `point ${point}: ${r.stderr}`).toBe(0);
      // The landing data does not change, so old and new contents are equal: any difference is a
      // partial or missing relation.
      expect((await contents(url)).relations, `kill point ${point} at ${delay} ms`).toEqual(before.relations);
    }
    expect(killedMidRun).toBeGreaterThanOrEqual(10);
    const next = await strata(["run", dir, "--wait"]);
    expect(next.code, next.stderr).toBe(0);
    const after = await contents(url);
    expect(after.relations).toEqual(before.relations);
    expect(after.temps).toEqual([]);
  }, 600_000);
});
