// PostgreSQL plans executed on the real PostgreSQL 15 server (skipped with a message when absent),
// plus what only a server with two connections can show: a concurrent refresh does not block readers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planPostgres } from "../../src/plan/postgres";
import { type Engine, openServer, runPlan, serverIsUp, stateOf, uniqueSuffix } from "./engines";
import { options, table, view } from "./fixtures";
import { planScenarios } from "./scenarios";

async function openIfUp(): Promise<Engine | undefined> {
  if (await serverIsUp()) return openServer();
  console.warn("PostgreSQL on 127.0.0.1:5432 is not reachable: skipping the plan tests on a real server");
  return undefined;
}

describe("PostgreSQL plans on PostgreSQL 15", () => {
  planScenarios(openIfUp);

  describe("readers during a table rebuild", () => {
    let engine: Engine | undefined;
    const schema = `plan_swap_${uniqueSuffix()}`;
    beforeAll(async () => {
      engine = await openIfUp();
    });
    afterAll(async () => {
      if (!engine) return;
      await engine.script(`drop schema if exists ${schema} cascade`);
      await engine.close();
    });

    it("never see the table missing: they wait for the swap, then read the new rows", async (ctx) => {
      if (!engine) return ctx.skip();
      const t = { schema, name: "t" };
      await runPlan(engine.session, planPostgres(table(t, { query: "select generate_series(1, 10) as id" }), await stateOf(engine.session, t), options()));
      // A dependent materialized view that takes a while to recreate keeps the swap open long enough to be seen.
      await engine.script(`create materialized view ${schema}.slow as select count(*) as n from ${schema}.t cross join (select pg_sleep(0.5)) as pause`);
      const rebuild = planPostgres(table(t, { query: "select generate_series(1, 20) as id" }), await stateOf(engine.session, t), options({ runId: "run2" }));

      const reads: { n: number; ms: number }[] = [];
      let done = false;
      const reader = (async () => {
        while (!done) {
          const started = Date.now();
          const r = await engine!.other!.execute(`select count(*)::int as n from ${schema}.t`);
          reads.push({ n: Number(r.rows[0].n), ms: Date.now() - started });
        }
      })();
      await runPlan(engine.session, rebuild);
      done = true;
      await reader;

      expect(new Set(reads.map((r) => r.n))).toEqual(new Set([10, 20]));
      expect(reads.at(-1)!.n).toBe(20);
      // At least one read arrived during the swap and waited for it, rather than failing.
      expect(Math.max(...reads.map((r) => r.ms))).toBeGreaterThan(250);
      expect((await engine.session.execute(`select n::int from ${schema}.slow`)).rows).toEqual([{ n: 20 }]);
    });
  });

  describe("refresh materialized view concurrently", () => {
    let engine: Engine | undefined;
    const schema = `plan_conc_${uniqueSuffix()}`;
    beforeAll(async () => {
      engine = await openIfUp();
    });
    afterAll(async () => {
      if (!engine) return;
      await engine.script(`drop schema if exists ${schema} cascade`);
      await engine.close();
    });

    it("does not block a reader while it runs", async (ctx) => {
      if (!engine) return ctx.skip();
      await engine.script(`create schema ${schema}; create table ${schema}.src (k int); insert into ${schema}.src select generate_series(1, 100)`);
      const mv = { schema, name: "slow" };
      // pg_sleep makes the refresh last long enough to read during it.
      const action = view(mv, { materialized: true, uniqueKey: ["k"], query: `select k from ${schema}.src cross join (select pg_sleep(0.6)) as pause` });
      await runPlan(engine.session, planPostgres(action, await stateOf(engine.session, mv), options()));
      await engine.script(`insert into ${schema}.src values (101)`);

      const refresh = planPostgres(action, await stateOf(engine.session, mv), options());
      expect(refresh.steps[0].statements[0]).toContain("refresh materialized view concurrently");
      const refreshing = runPlan(engine.session, refresh);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      const during = await engine.other!.execute(`select count(*)::int as n from ${schema}.slow`);
      const waitedMs = Date.now() - started;
      await refreshing;
      // Read while the refresh ran: the old contents, without waiting for it.
      expect(during.rows).toEqual([{ n: 100 }]);
      expect(waitedMs).toBeLessThan(300);
      expect((await engine.other!.execute(`select count(*)::int as n from ${schema}.slow`)).rows).toEqual([{ n: 101 }]);
    });
  });
});
