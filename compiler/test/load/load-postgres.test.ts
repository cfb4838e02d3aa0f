// loadLanding on the real PostgreSQL 15 server (127.0.0.1:5432; skipped with a message when it is
// not running), including a `strata load` killed with SIGKILL in the middle of its COPY.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedTarget } from "../../src/project/targets";
import { createWarehouse } from "../../src/warehouse";
import { bundleCli, runCli, spawnCli } from "./cli-bundle";
import pg from "pg";
import { loadLanding } from "../../src/load";
import { LandingProject, ordersCsv, uniqueName } from "./landing-project";
import { describeLoading } from "./load-scenarios";

const URL = "postgres://postgres@127.0.0.1:5432/test";
const target: ResolvedTarget = { name: "pg", adapter: "postgres", dialect: "postgres", config: { adapter: "postgres", url: URL } };

/** Checked synchronously (a child process) so describe.skipIf can use it without top-level await. */
function serverIsUp(): boolean {
  const probe = `const {Client}=require("pg");const c=new Client({connectionString:${JSON.stringify(URL)},connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))`;
  return spawnSync(process.execPath, ["-e", probe], { cwd: path.resolve(__dirname, "../../.."), timeout: 5000 }).status === 0;
}

const up = serverIsUp();
if (!up) console.warn("PostgreSQL on 127.0.0.1:5432 is not reachable: skipping the real-server load tests");

describe.skipIf(!up)("on PostgreSQL 15", () => {
  describeLoading("loadLanding on PostgreSQL", () => createWarehouse(target, { projectDir: ".", concurrency: 2 }));

  describe("strata load killed with SIGKILL mid-COPY", () => {
    const warehouse = createWarehouse(target, { projectDir: ".", concurrency: 1 });
    let project: LandingProject;
    let source: string;
    let bundle: string;

    beforeAll(async () => {
      await warehouse.connect();
      project = new LandingProject(warehouse);
      source = project.addSource("csv");
      fs.writeFileSync(path.join(project.dir, "targets.yaml"), `default: pg\ntargets:\n  pg: { adapter: postgres, url: "${URL}" }\n`);
      // ~9 MB: long enough to be caught mid-COPY, short enough to load twice in a few seconds.
      project.write(source, "big.csv", ordersCsv(120_000));
      bundle = bundleCli();
    });
    afterAll(async () => {
      await project.cleanup([source]);
      await warehouse.close();
      fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
    });

    it("leaves no rows and no manifest entry behind, and the next run loads the file", async () => {
      const child = spawnCli(bundle, ["load", project.dir, "--source", source]);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      // Kill it once the server reports the COPY into the landing table under way.
      const deadline = Date.now() + 30_000;
      let copied = 0;
      while (copied === 0 && Date.now() < deadline) {
        const progress = await warehouse.execute(
          // The table is created in the child's open transaction, so it is found by the COPY's text.
          `select coalesce(max(p.tuples_processed), 0)::int as n
             from pg_stat_progress_copy p join pg_stat_activity a on a.pid = p.pid
            where a.query like $1`,
          { params: [`copy "${project.schema}"."${source}"%`] },
        );
        copied = Number(progress.rows[0].n);
        if (copied === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill("SIGKILL");
      await exited;
      expect(copied).toBeGreaterThan(0);

      // The server rolls the dead session's transaction back: no table (it was created in it) and no manifest row.
      await waitFor(async () => (await project.tableExists(source)) === false);
      expect(await project.manifest(source)).toEqual([]);

      const rerun = runCli(bundle, ["load", project.dir, "--source", source, "--json"]);
      expect(rerun.stderr).toBe("");
      expect(rerun.code).toBe(0);
      expect(JSON.parse(rerun.stdout)).toMatchObject({
        target: "pg",
        loaded: 1,
        rows: 120_000,
        exitCode: 0,
        files: [{ source, path: `landing/${source}/big.csv`, table: `${project.schema}.${source}`, status: "loaded", rows: 120_000 }],
      });
      const count = await warehouse.execute(`select count(*)::int as n, count(distinct id)::int as ids from "${project.schema}"."${source}"`);
      expect(count.rows[0]).toEqual({ n: 120_000, ids: 120_000 });
      expect(await project.manifest(source)).toMatchObject([{ status: "loaded", rows: 120_000 }]);
    });
  });
});

describe.skipIf(!up)("sources loading side by side on PostgreSQL 15", () => {
  const warehouse = createWarehouse(target, { projectDir: ".", concurrency: 2 });
  let project: LandingProject;
  let sources: string[];

  beforeAll(async () => {
    await warehouse.connect();
    project = new LandingProject(warehouse);
    // Named so that "a" comes first in source order.
    sources = [project.addSource("csv", "primaryKey: [id]", undefined, uniqueName("a_orders")), project.addSource("csv", "primaryKey: [id]", undefined, uniqueName("b_orders"))];
  });
  afterAll(async () => {
    await project.cleanup(sources);
    await warehouse.close();
  });

  it("does not hold up one source's files behind another's, and reports them in source order", async () => {
    const [a, b] = sources;
    // The first load creates the schema and both tables at once.
    project.write(a, "day1.csv", ordersCsv(3));
    project.write(b, "day0.csv", ordersCsv(2));
    expect(await project.load([a, b])).toMatchObject({ loaded: 2, quarantined: 0 });
    project.write(a, "day2.csv", ordersCsv(5));
    project.write(b, "day1.csv", ordersCsv(4));

    // Another session holds a's table: a's new file waits for it, b's must load meanwhile.
    const blocker = new pg.Client({ connectionString: URL });
    await blocker.connect();
    const done: string[] = [];
    let load: ReturnType<typeof loadLanding> | undefined;
    try {
      await blocker.query(`begin; lock table "${project.schema}"."${a}" in access exclusive mode`);
      load = loadLanding({ projectDir: project.dir, warehouse, onEvent: (e) => e.type === "file_done" && done.push(e.result.path) });
      await waitFor(async () => done.includes(`landing/${b}/day1.csv`));
      expect(done).not.toContain(`landing/${a}/day2.csv`);
    } finally {
      await blocker.query("commit");
      await blocker.end();
    }
    const report = await load!;
    expect(report.files.map((f) => [f.path, f.status])).toEqual([
      [`landing/${a}/day1.csv`, "unchanged"],
      [`landing/${a}/day2.csv`, "loaded"],
      [`landing/${b}/day0.csv`, "unchanged"],
      [`landing/${b}/day1.csv`, "loaded"],
    ]);
    expect(await project.rows(a, "count(*)::int as n")).toEqual([{ n: 8 }]);
    expect(await project.rows(b, "count(*)::int as n")).toEqual([{ n: 6 }]);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
