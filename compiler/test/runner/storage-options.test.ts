// `postgres: { fillfactor }`: the table is built with the storage parameter, and keeps it through
// incremental runs and rebuilds. On PGlite always, on the PostgreSQL server when it is up.
import { describe, expect, it } from "vitest";
import { runProject } from "../../src/runner/run";
import { engines, makeProject, removedAfterAll, uniqueName, warehouseRows } from "./fixtures";

const files = {
  "definitions/totals.sqlx": `config { type: "incremental", uniqueKey: ["id"], postgres: { fillfactor: 70 } }
select g as id, g * 10 as total from generate_series(1, 3) as g`,
  "definitions/plain.sqlx": `config { type: "table" }
select 1 as id`,
};

const { dirs, schemas } = removedAfterAll();

describe.each(engines())("postgres storage options on $name", ({ targets, available }) => {
  it.skipIf(!available)("builds the table with its fillfactor and keeps it on later runs", async () => {
    const schema = uniqueName("storage");
    schemas.push(schema);
    const dir = makeProject({ defaultSchema: schema, files, targets });
    dirs.push(dir);
    const options = () =>
      warehouseRows(
        dir,
        targets,
        `select c.relname, c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = '${schema}' and c.relkind = 'r' order by c.relname`,
      );
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
