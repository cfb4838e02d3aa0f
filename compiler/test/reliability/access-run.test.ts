// Access control through `strata run` on the real server: grants applied after the run, a real
// reader role allowed on marts and denied on landing, kept across a table swap, revoked when the
// config stops granting them, and a bad access config stopping the run before anything executes.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "pg";
import { createDatabase, dropDatabase, dropRoles, pgAvailable, strata, tempDir, uniqueName, writeFiles } from "./helpers";

const hasPg = pgAvailable();
if (!hasPg) console.warn("access-run: PostgreSQL on 127.0.0.1:5432 is not reachable; skipped (access on PGlite is covered by access-apply)");

describe.runIf(hasPg)("access control in strata run (PostgreSQL)", () => {
  const db = uniqueName("h9accrun");
  const reader = `${db}_bi_reader`;
  const loader = `${db}_loader`;
  let url = "";
  let dir = "";

  const project = (access: unknown) =>
    writeFiles(dir, {
      "dataform.json": JSON.stringify({ warehouse: "postgres", defaultSchema: "marts", assertionSchema: "assertions", ...(access ? { access } : {}) }),
      "targets.yaml": `default: pg\ntargets:\n  pg: { adapter: postgres, url: "${url}" }\n`,
      "definitions/landing_orders.sqlx": 'config { type: "table", schema: "landing" }\nselect 1 as id\n',
      "definitions/daily_sales.sqlx": 'config { type: "table" }\nselect count(*) as orders from ${ref("landing_orders")}\n',
    });

  async function readAs(role: string, relation: string): Promise<string> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`set role "${role}"`);
      return `rows:${(await c.query(`select * from ${relation}`)).rowCount}`;
    } catch (err) {
      return (err as Error).message;
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    url = await createDatabase(db);
    dir = tempDir("strata-access-run-");
  }, 60_000);
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabase(db);
    await dropRoles(reader, loader);
  });

  it("applies grants after the run: bi_reader reads marts only, only the loader reads landing", async () => {
    project({ createRoles: true, roles: { [reader]: { read: ["marts"] }, [loader]: { read: ["landing"] } } });
    const r = await strata(["run", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/access: applied \d+ grant\/revoke statement\(s\)/);
    expect(await readAs(reader, "marts.daily_sales")).toBe("rows:1");
    expect(await readAs(reader, "landing.landing_orders")).toBe("permission denied for schema landing");
    expect(await readAs(loader, "landing.landing_orders")).toBe("rows:1");
  }, 120_000);

  it("keeps grants across a table swap even when the access step is gone", async () => {
    project(undefined);
    const r = await strata(["run", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readAs(reader, "marts.daily_sales")).toBe("rows:1");
  }, 120_000);

  it("revokes what the config no longer grants", async () => {
    project({ roles: { [reader]: { read: ["marts"], except: ["marts.daily_sales"] }, [loader]: { read: ["landing"] } } });
    const r = await strata(["run", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readAs(reader, "marts.daily_sales")).toBe("permission denied for table daily_sales");
  }, 120_000);

  it("a missing role fails the run (exit 1) with one line, after the models were built", async () => {
    project({ roles: { [`${db}_ghost`]: { read: ["marts"] } } });
    const r = await strata(["run", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`access control not applied: access: role "${db}_ghost" does not exist; create it, or set "createRoles": true under "access" in dataform.json`);
  }, 120_000);
});
