// `postgres: { fillfactor }`: the table is built with the storage parameter, and keeps it through
// incremental runs and rebuilds. On PGlite always, on the PostgreSQL server when it is up.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runProject } from "../../src/runner/run";
import { PgliteWarehouse } from "../../src/warehouse/pglite";
import { dropSchemas, makeProject, pgAvailable, pgQuery, postgresTargets, uniqueName } from "./fixtures";

const files = {
  "definitions/totals.sqlx": `config { type: "incremental", uniqueKey: ["id"], postgres: { fillfactor: 70 } }
select g as id, g * 10 as total from generate_series(1, 3) as g`,
  "definitions/plain.sqlx": `config { type: "table" }
select 1 as id`,
};

const engines = [
  { name: "PGlite", targets: undefined, available: true },
  { name: "PostgreSQL", targets: postgresTargets, available: pgAvailable() },
];

const dirs: string[] = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  if (schemas.length > 0 && engines[1].available) await dropSchemas(...schemas);
});

describe.each(engines)("postgres storage options on $name", ({ targets, available }) => {
  it.skipIf(!available)("builds the table with its fillfactor and keeps it on later runs", async () => {
    const schema = uniqueName("storage");
    schemas.push(schema);
    const dir = makeProject({ defaultSchema: schema, files, targets });
    dirs.push(dir);
    const options = async () => {
      const query = `select c.relname, c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = '${schema}' and c.relkind = 'r' order by c.relname`;
      if (targets) return pgQuery(query);
      const wh = new PgliteWarehouse({ dataDir: path.join(dir, ".strata/warehouse") });
      await wh.connect();
      try {
        return (await wh.execute(query)).rows;
      } finally {
        await wh.close();
      }
    };
    const expected = [
      { relname: "plain", reloptions: null },
      { relname: "totals", reloptions: ["fillfactor=70"] },
    ];
    for (const fullRefresh of [false, false, true]) {
      const result = await runProject({ projectDir: dir, fullRefresh });
      expect(result.results?.actions.every((a) => a.status === "success")).toBe(true);
      expect(await options()).toEqual(expected);
    }
  });
});
