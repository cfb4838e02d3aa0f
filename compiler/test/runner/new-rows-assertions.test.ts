// `assertions.newRowsOnly` on an incremental table: a first build and `--full-refresh` check the
// whole table; an incremental run checks only the rows it wrote (rowConditions / nonNull on those
// rows, uniqueKey on the groups of the keys it wrote), and drops the kept rows when it ends.
// On PGlite always, on the PostgreSQL server when it is up.
import { describe, expect, it } from "vitest";
import type { ActionResult } from "../../src/runner/results";
import { runProject } from "../../src/runner/run";
import { engines, makeProject, removedAfterAll, uniqueName, warehouseRows } from "./fixtures";

// Rows arrive by `day` (a project variable), in `seq` order; day 3 re-sends id 4, fixed, after a
// bad copy of it, and sends id 7 twice: a bad copy, then a fixed one (the merge keeps the last).
const source = `config { type: "table" }
select id, code, amount, day, seq
from (values
  (1, 'a', 10, 1, 1), (2, 'b', -1, 1, 2), (3, 'c', 5, 1, 3),
  (4, 'd', -7, 2, 4), (5, 'a', 8, 2, 5),
  (6, 'f', 1, 3, 6), (4, 'd', 7, 3, 7), (7, 'g', -2, 3, 8), (7, 'g', 2, 3, 9)
) as v (id, code, amount, day, seq)
where day <= \${dataform.projectConfig.vars.day}`;

const events = `config {
  type: "incremental",
  uniqueKey: ["id"],
  assertions: { uniqueKey: ["code"], nonNull: ["code"], rowConditions: ["amount >= 0"], newRowsOnly: true }
}
select id, code, amount, day from \${ref("source")}
\${when(incremental(), \`where day > (select max(day) from \${self()})\`)}
order by seq`;

const files = { "definitions/source.sqlx": source, "definitions/events.sqlx": events };

const { dirs, schemas } = removedAfterAll();

describe.each(engines())("assertions.newRowsOnly on $name", ({ targets, available }) => {
  it.skipIf(!available)("checks the whole table on a full build and only the written rows on an incremental run", async () => {
    const schema = uniqueName("new_rows");
    schemas.push(schema, `${schema}_assertions`);
    const dir = makeProject({ defaultSchema: schema, files, targets });
    dirs.push(dir);
    const assertion = (results: ActionResult[] | undefined, kind: string) => results?.find((a) => a.name.endsWith(`events_assertions_${kind}`));
    const run = async (day: number, fullRefresh = false) => (await runProject({ projectDir: dir, vars: { day: String(day) }, fullRefresh })).results?.actions;

    // Day 1, first build: the whole table is new; id 2 breaks the row condition.
    let actions = await run(1);
    expect(assertion(actions, "rowConditions")?.assertion).toMatchObject({ failingRows: 1, sample: [{ failing_row_condition: "amount >= 0", id: 2 }] });
    expect(assertion(actions, "uniqueKey_0")?.status).toBe("success");

    // Day 2, incremental: id 2 is still in the table but not written now; id 4 is new and bad, and
    // id 5 repeats code 'a' of id 1 (a group the run wrote into).
    actions = await run(2);
    expect(assertion(actions, "rowConditions")?.assertion).toMatchObject({ failingRows: 1, sample: [{ id: 4, amount: -7 }] });
    expect(assertion(actions, "uniqueKey_0")?.assertion).toMatchObject({ failingRows: 1, sample: [{ code: "a", index_row_count: 2 }] });

    // Day 3: id 4 is re-sent fixed, id 6 is clean and id 7's bad copy is followed by a fixed one, so
    // the written rows pass — while the table still holds id 2 (and code 'a' twice, which no
    // written key touches).
    actions = await run(3);
    expect(assertion(actions, "rowConditions")?.status).toBe("success");
    expect(assertion(actions, "uniqueKey_0")?.status).toBe("success");

    // The view still shows the whole table; the kept rows are gone once the run has ended.
    const sql = (query: string) => warehouseRows(dir, targets, query);
    expect(await sql(`select id from "${schema}_assertions"."${schema}_events_assertions_rowConditions" order by id`)).toEqual([{ id: 2 }]);
    expect(
      await sql(`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and c.relname like '%\\_\\_strata\\_%'`),
    ).toEqual([]);

    // --full-refresh rebuilds the table, so every row is checked again.
    actions = await run(3, true);
    expect(assertion(actions, "rowConditions")?.assertion).toMatchObject({ failingRows: 1, sample: [{ id: 2 }] });
    expect(assertion(actions, "uniqueKey_0")?.assertion).toMatchObject({ failingRows: 1 });
  });
});
