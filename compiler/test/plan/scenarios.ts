// Plans executed for real: the same scenarios on PGlite and on PostgreSQL 15.
import { afterAll, beforeAll, expect, it as vitestIt } from "vitest";
import { planPostgres } from "../../src/plan/postgres";
import { cleanupLeftovers } from "../../src/plan/leftovers";
import type { Target } from "../../src/graph/types";
import type { WarehouseState } from "../../src/warehouse/warehouse";
import { type Engine, rows, runPlan, stateOf, uniqueSuffix } from "./engines";
import { graph, incremental, options, table, view, type TableAction } from "./fixtures";

/** `open` resolves to undefined when the engine is not available: every test is then skipped. */
export function planScenarios(open: () => Promise<Engine | undefined>): void {
  let engine: Engine;
  let available = false;
  const it = (name: string, body: () => Promise<void>) =>
    vitestIt(name, async (ctx) => {
      if (!available) return ctx.skip();
      await body();
    });
  const suffix = uniqueSuffix();
  const reader = `plan_reader_${suffix}`;
  const schemas: string[] = [];
  let runs = 0;
  const schemaFor = async (label: string, create = true) => {
    const schema = `plan_${label}_${suffix}`;
    schemas.push(schema);
    if (create) await engine.script(`create schema ${schema}`);
    return schema;
  };
  const run = async (action: TableAction, fullRefresh = false, state?: WarehouseState) => {
    const plan = planPostgres(action, state ?? (await stateOf(engine.session, action.target)), options({ fullRefresh, runId: `run${++runs}` }));
    await runPlan(engine.session, plan);
    return plan;
  };
  const q = (sql: string) => rows(engine.session, sql);

  beforeAll(async () => {
    const opened = await open();
    if (!opened) return;
    engine = opened;
    available = true;
    await engine.script(`create role ${reader} nologin`);
  });
  afterAll(async () => {
    if (!engine) return;
    for (const s of schemas) await engine.script(`drop schema if exists ${s} cascade`);
    await engine.script(`drop role if exists ${reader}`);
    await engine.close();
  });

  it("table rebuild keeps the dependent view and materialized view, with new data, grants and comments", async () => {
    const s = await schemaFor("tbl", false); // the plan creates it
    const orders: Target = { schema: s, name: "orders" };
    const build = (query: string) =>
      table(orders, { query, uniqueKey: ["id"], actionDescriptor: { description: "Orders", columns: [{ path: ["amount"], description: "EUR" }] } });
    await run(build("select 1 as id, 10.5::numeric as amount union all select 2, 200"));
    await engine.script(`
      create view ${s}.big_orders as select id, amount from ${s}.orders where amount > 100;
      comment on view ${s}.big_orders is 'Big ones';
      comment on column ${s}.big_orders.amount is 'Gross';
      grant select on ${s}.big_orders to ${reader};
      create materialized view ${s}.totals as select count(*)::int as n, sum(amount) as total from ${s}.big_orders;
      create unique index totals_n on ${s}.totals (n);
      grant select on ${s}.totals to ${reader};
      grant select, insert on ${s}.orders to ${reader};`);

    const plan = await run(build("select 1 as id, 10.5::numeric as amount union all select 2, 300 union all select 3, 400"));
    expect(plan.steps.map((st) => st.transactional)).toEqual([false, true]);

    expect(await q(`select id, amount::text from ${s}.big_orders order by id`)).toEqual([
      { id: 2, amount: "300" },
      { id: 3, amount: "400" },
    ]);
    expect(await q(`select n, total::text from ${s}.totals`)).toEqual([{ n: 2, total: "700" }]);
    const privileges = await q(`
      select has_table_privilege('${reader}', '${s}.orders', 'insert') as orders_insert,
             has_table_privilege('${reader}', '${s}.big_orders', 'select') as view_select,
             has_table_privilege('${reader}', '${s}.totals', 'select') as mv_select,
             obj_description('${s}.orders'::regclass, 'pg_class') as orders_comment,
             col_description('${s}.orders'::regclass, 2) as amount_comment,
             obj_description('${s}.big_orders'::regclass, 'pg_class') as view_comment,
             col_description('${s}.big_orders'::regclass, 2) as view_amount_comment,
             (select count(*)::int from pg_indexes where schemaname = '${s}' and indexname in ('totals_n', 'orders_id_key')) as indexes,
             (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${s}' and c.relname like '%strata%') as temp_objects`);
    expect(privileges).toEqual([
      {
        orders_insert: true,
        view_select: true,
        mv_select: true,
        orders_comment: "Orders",
        amount_comment: "EUR",
        view_comment: "Big ones",
        view_amount_comment: "Gross",
        indexes: 2,
        temp_objects: 0,
      },
    ]);
  });

  it("a failed build changes nothing and leaves no temp table", async () => {
    const s = await schemaFor("fail");
    const t: Target = { schema: s, name: "t" };
    await run(table(t, { query: "select 1 as id" }));
    await expect(run(table(t, { query: "select 1 / 0 as id" }))).rejects.toThrow(/division by zero/);
    expect(await q(`select id from ${s}.t`)).toEqual([{ id: 1 }]);
    expect(await q(`select count(*)::int as n from pg_class where relname like 't__strata%'`)).toEqual([{ n: 0 }]);
  });

  it("incremental merge: re-runs add no duplicates, the last row for a key wins, NULL keys match too", async () => {
    const s = await schemaFor("inc");
    await engine.script(`create table ${s}.src (id int, v text)`);
    const events = { schema: s, name: "events" };
    const action = incremental(events, { query: `select id, v from ${s}.src`, uniqueKey: ["id"] });
    await engine.script(`insert into ${s}.src values (1, 'a'), (2, 'b'), (null, 'n1')`);
    await run(action);
    await engine.script(`insert into ${s}.src values (2, 'b2'), (3, 'c'), (null, 'n2')`);
    await run(action);
    await run(action);
    expect(await q(`select id, v from ${s}.events order by id nulls first`)).toEqual([
      { id: null, v: "n2" },
      { id: 1, v: "a" },
      { id: 2, v: "b2" },
      { id: 3, v: "c" },
    ]);
  });

  it("incremental merge on a composite key: keys above the table's highest are inserted, the rest merged, an empty table merges all", async () => {
    const s = await schemaFor("inc_top");
    await engine.script(`create table ${s}.src (a int, b int, v text, n serial)`);
    const pairs = { schema: s, name: "pairs" };
    const action = incremental(pairs, { query: `select a, b, v from ${s}.src order by n`, uniqueKey: ["a", "b"] });
    const contents = () => q(`select a, b, v from ${s}.pairs order by a nulls first, b nulls first`);
    await engine.script(`insert into ${s}.src (a, b, v) values (1, 1, 'x'), (1, 2, 'y'), (2, null, 'n')`);
    await run(action);
    // The highest complete key is (1, 2): (2, 1) and (3, 1) are above it (the last copy of (3, 1)
    // wins), (1, 2) and (0, 5) below it, and (2, NULL) has no place in that order: merged.
    await engine.script(`insert into ${s}.src (a, b, v) values (1, 2, 'y2'), (2, 1, 'z'), (3, 1, 'w1'), (3, 1, 'w2'), (2, null, 'n2'), (0, 5, 'low')`);
    const plan = await run(action);
    // The upsert and the plain insert, as the query returned the rows and (the form that ran here:
    // (3, 1) came twice) with the last row per key.
    const merge = plan.steps.flatMap((step) => step.statements).find((sql) => sql.startsWith("do ") && sql.includes("on conflict"));
    expect(merge?.match(/^\s*insert into/gm)).toHaveLength(4);
    const merged = [
      { a: 0, b: 5, v: "low" },
      { a: 1, b: 1, v: "x" },
      { a: 1, b: 2, v: "y2" },
      { a: 2, b: null, v: "n2" },
      { a: 2, b: 1, v: "z" },
      { a: 3, b: 1, v: "w2" },
    ];
    expect(await contents()).toEqual(merged);
    await run(action);
    expect(await contents()).toEqual(merged);
    // No highest key to compare with: every row goes through the merge.
    await engine.script(`delete from ${s}.pairs; insert into ${s}.src (a, b, v) values (9, 9, 'e')`);
    await run(action);
    expect(await contents()).toEqual([...merged, { a: 9, b: 9, v: "e" }]);
  });

  it("incremental merge of a query returning each key once writes its rows as they are, updates and new keys alike", async () => {
    const s = await schemaFor("inc_once");
    await engine.script(`create table ${s}.src (id int, v text, version int)`);
    const latest = incremental({ schema: s, name: "latest" }, { query: `select id, v from ${s}.src where version = (select max(version) from ${s}.src)`, uniqueKey: ["id"] });
    await engine.script(`insert into ${s}.src values (1, 'a', 1), (2, 'b', 1), (3, 'c', 1)`);
    await run(latest);
    // Version 2: 2 changes, 4 and 5 are new (above the highest key), 0 is new below it.
    await engine.script(`insert into ${s}.src values (2, 'b2', 2), (4, 'd', 2), (0, 'z', 2), (5, 'e', 2)`);
    await run(latest);
    expect(await q(`select id, v from ${s}.latest order by id`)).toEqual([
      { id: 0, v: "z" },
      { id: 1, v: "a" },
      { id: 2, v: "b2" },
      { id: 3, v: "c" },
      { id: 4, v: "d" },
      { id: 5, v: "e" },
    ]);
  });

  it("incremental append and delete+insert", async () => {
    const s = await schemaFor("inc2");
    await engine.script(`create table ${s}.src (id int, v text); insert into ${s}.src values (1, 'a'), (1, 'a2')`);
    const appended = incremental({ schema: s, name: "appended" }, { query: `select id, v from ${s}.src` });
    const replaced = incremental({ schema: s, name: "replaced" }, { query: `select id, v from ${s}.src`, uniqueKey: ["id"], strata: { incrementalStrategy: "delete+insert" } });
    for (const a of [appended, replaced]) {
      await run(a);
      await run(a);
    }
    expect(await q(`select count(*)::int as n from ${s}.appended`)).toEqual([{ n: 4 }]);
    expect(await q(`select id, v from ${s}.replaced`)).toEqual([{ id: 1, v: "a2" }]);
  });

  it("onSchemaChange: fail stops with what changed; extend adds the column; sync drops it; full refresh rebuilds", async () => {
    const s = await schemaFor("osc");
    const t = { schema: s, name: "t" };
    await run(incremental(t, { query: "select 1 as id, 'a'::text as v", uniqueKey: ["id"] }));
    const widened = (onSchemaChange: "fail" | "extend") =>
      incremental(t, { query: "select 2 as id, 'b'::text as v, 7 as extra", uniqueKey: ["id"], strata: { onSchemaChange } });
    await expect(run(widened("fail"))).rejects.toThrow(
      `incremental table "${s}.t": the query's columns differ from the table's (new: extra; missing: none; changed type: none)`,
    );
    expect(await q(`select count(*)::int as n from ${s}.t`)).toEqual([{ n: 1 }]);
    await run(widened("extend"));
    expect(await q(`select id, v, extra from ${s}.t order by id`)).toEqual([
      { id: 1, v: "a", extra: null },
      { id: 2, v: "b", extra: 7 },
    ]);
    await run(incremental(t, { query: "select 3 as id, 'c'::text as v", uniqueKey: ["id"], strata: { onSchemaChange: "sync" } }));
    expect(await q(`select * from ${s}.t order by id`)).toEqual([
      { id: 1, v: "a" },
      { id: 2, v: "b" },
      { id: 3, v: "c" },
    ]);
    await run(incremental(t, { query: "select 5 as id", uniqueKey: ["id"] }), true);
    expect(await q(`select * from ${s}.t`)).toEqual([{ id: 5 }]);
  });

  it("a view whose columns changed is replaced together with the views on it", async () => {
    const s = await schemaFor("view");
    const v = { schema: s, name: "v" };
    await run(view(v, { query: "select 1 as id, 'x'::text as label" }));
    await engine.script(`create view ${s}.w as select id from ${s}.v; grant select on ${s}.v to ${reader}`);
    // A retyped column, then a removed one: both refused by `create or replace view` (42P16).
    await run(view(v, { query: "select 2::bigint as id, 'x'::text as label" }));
    expect(await q(`select id::int from ${s}.w`)).toEqual([{ id: 2 }]);
    await run(view(v, { query: "select 3::bigint as id" }));
    expect(await q(`select id::int from ${s}.w`)).toEqual([{ id: 3 }]);
    // Adding a column is the fast path: the dependent view is not recreated.
    const oid = await q(`select '${s}.w'::regclass::oid::int as oid`);
    await run(view(v, { query: "select 4::bigint as id, 1 as extra" }));
    expect(await q(`select '${s}.w'::regclass::oid::int as oid`)).toEqual(oid);
    expect(await q(`select id::int from ${s}.w`)).toEqual([{ id: 4 }]);
    expect(await q(`select has_table_privilege('${reader}', '${s}.v', 'select') as ok`)).toEqual([{ ok: true }]);
  });

  it("materialized view: create, refresh when unchanged, rebuild when changed (dependents kept)", async () => {
    const s = await schemaFor("mv");
    await engine.script(`create table ${s}.src (k int, n int); insert into ${s}.src values (1, 1), (2, 2)`);
    const mv = { schema: s, name: "totals" };
    const action = (query: string) => view(mv, { materialized: true, query, uniqueKey: ["k"], actionDescriptor: { description: "Totals" } });
    const first = `select k, sum(n)::int as total from ${s}.src group by k`;
    await run(action(first));
    await engine.script(`create view ${s}.top as select k from ${s}.totals where total > 1; insert into ${s}.src values (3, 5)`);
    const refresh = await run(action(first));
    expect(refresh.steps[0].statements).toEqual([`refresh materialized view concurrently "${s}"."totals"`]);
    expect(await q(`select k from ${s}.top order by k`)).toEqual([{ k: 2 }, { k: 3 }]);
    const rebuild = await run(action(`select k, sum(n * 10)::int as total from ${s}.src group by k`));
    expect(rebuild.notices).toEqual([`materialized view "${s}.totals" rebuilt because its definition changed`]);
    expect(await q(`select k from ${s}.top order by k`)).toEqual([{ k: 1 }, { k: 2 }, { k: 3 }]);
    expect(await q(`select obj_description('${s}.totals'::regclass, 'pg_class') as c`)).toEqual([{ c: expect.stringMatching(/^Totals\nstrata:hash=[0-9a-f]{16}$/) }]);
  });

  it("leftovers of a killed run are found and dropped at the next run's start", async () => {
    const s = await schemaFor("left");
    await engine.script(`create table ${s}.t__strata_tmp_old1 (id int); create table ${s}.keep_me (id int)`);
    const warehouse = { dialect: "postgres" as const, execute: (sql: string) => engine.session.execute(sql) };
    const g = { ...graph, tables: [table({ schema: s, name: "t" })] };
    expect(await cleanupLeftovers(warehouse, g)).toEqual([`${s}.t__strata_tmp_old1`]);
    expect(await q(`select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${s}' and relkind = 'r'`)).toEqual([{ relname: "keep_me" }]);
  });
}

