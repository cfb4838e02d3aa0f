// Runs the bad-input corpus through the built CLI (`npm run build` first): the exact one-line error,
// the exit code, no stack trace, and the warehouse unchanged — on a database of its own on the
// real PostgreSQL server (when reachable) and on the embedded PGlite target.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badInputCases, type BadInputCase } from "./bad-input-corpus";
import { createDatabase, databaseSnapshot, dropDatabase, freePort, inPool, pgAvailable, strata, tempDir, uniqueName, writeFiles, type CliResult } from "./helpers";

const hasPg = pgAvailable();
if (!hasPg) console.warn("bad-input: PostgreSQL on 127.0.0.1:5432 is not reachable; cases needing it are skipped, the rest run on PGlite");
const NEEDS_SERVER = new Set(["unknown database", "unknown role", "TLS required by a server without TLS"]);

describe("bad-input corpus", () => {
  const id = uniqueName("h9bad");
  const schema = `${id}_ods`;
  let dbUrl = "";
  let closedPort = 0;
  const results = new Map<string, { result: CliResult; dir: string; before: string[]; after: string[]; warehouseCreated: boolean }>();
  const cases = badInputCases.filter((c) => hasPg || !NEEDS_SERVER.has(c.name));

  function baseProject(): Record<string, string> {
    return {
      "dataform.json": JSON.stringify({ warehouse: "postgres", defaultSchema: schema, assertionSchema: `${id}_assert` }),
      "targets.yaml": `default: ${hasPg ? "pg" : "local"}\ntargets:\n  pg: { adapter: postgres, url: "${dbUrl}" }\n  local: { adapter: pglite, path: .strata/warehouse }\n`,
      "definitions/a.sqlx": 'config { type: "table" }\nselect 1 as id\n',
      "definitions/b.sqlx": 'config { type: "view" }\nselect * from ${ref("a")}\n',
    };
  }

  const fill = (text: string, dir: string) =>
    text.replaceAll("{dir}", dir).replaceAll("{db}", dbUrl).replaceAll("{schema}", schema).replaceAll("{closedPort}", String(closedPort));

  async function runCase(c: BadInputCase, extraArgs: string[] = []): Promise<void> {
    const dir = tempDir("strata-bad-input-");
    writeFiles(dir, baseProject());
    for (const [rel, text] of Object.entries(c.files ?? {})) {
      if (text === null) fs.rmSync(path.join(dir, rel));
      else writeFiles(dir, { [rel]: fill(text, dir) });
    }
    const snapshot = () => (hasPg ? databaseSnapshot(dbUrl, c.mayWrite) : Promise.resolve([]));
    const before = await snapshot();
    const result = await strata([...(c.args ?? ["run", "{dir}"]).map((a) => fill(a, dir)), ...extraArgs], { env: c.env });
    const after = await snapshot();
    results.set(c.name + extraArgs.join(" "), { result, dir, before, after, warehouseCreated: fs.existsSync(path.join(dir, ".strata/warehouse")) });
  }

  beforeAll(async () => {
    closedPort = await freePort();
    if (hasPg) dbUrl = await createDatabase(id);
    // Seed the database so "unchanged" compares something real.
    if (hasPg) {
      const seed = tempDir("strata-bad-input-seed-");
      // A landing source too, so the load manifest exists before the cases run (4 at a time): the
      // landing-file cases legitimately write it, and must not look like a change in another case.
      writeFiles(seed, { ...baseProject(), "landing/seed/contract.yaml": "table: landing.seed\nformat: csv\ncolumns:\n  - { name: id, type: integer }\n", "landing/seed/a.csv": "id\n1\n" });
      const r = await strata(["run", seed]);
      expect(r.code, r.stderr).toBe(0);
      fs.rmSync(seed, { recursive: true, force: true });
    }
    await inPool(cases, 4, (c) => runCase(c));
    await inPool(cases.slice(0, 8), 4, (c) => runCase(c, ["--target", "local"]));
  }, 600_000);

  afterAll(async () => {
    for (const r of results.values()) fs.rmSync(r.dir, { recursive: true, force: true });
    if (hasPg) await dropDatabase(id);
  });

  it("has at least 40 cases", () => {
    expect(badInputCases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const { result, dir, before, after, warehouseCreated } = results.get(name)!;
    expect(result.stderr.trim()).toBe(fill(c.stderr, dir));
    expect(result.code).toBe(c.code);
    if (c.stdoutLine) expect(result.stdout).toContain(fill(c.stdoutLine, dir));
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(after).toEqual(before);
    expect(warehouseCreated).toBe(false);
    // Connection failures are bounded in time.
    if (c.code === 3) expect(result.ms).toBeLessThan(15_000);
  });

  it.each(cases.slice(0, 8).map((c) => [c.name, c] as const))("on PGlite: %s", (name, c) => {
    const { result, dir, warehouseCreated } = results.get(`${name}--target local`)!;
    expect(result.stderr.trim()).toBe(fill(c.stderr, dir));
    expect(result.code).toBe(c.code);
    expect(warehouseCreated).toBe(false);
  });

  it("the seeded database really holds the base project (the snapshot is not empty)", () => {
    if (!hasPg) return;
    expect(results.get(cases[0].name)!.before).toContain(`${schema}.a:r`);
  });
});
