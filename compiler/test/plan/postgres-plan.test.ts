// Plan rules that are not about SQL text: names within PostgreSQL's limits, errors with the
// action's name, and decisions taken from the warehouse state.
import { describe, expect, it } from "vitest";
import { ExitCode, StrataError, UserError } from "../../src/errors";
import type { Assertion } from "../../src/graph/types";
import { planFor } from "../../src/plan";
import { definitionHash } from "../../src/plan/hash";
import { planPostgres } from "../../src/plan/postgres";
import { fitIdentifier, indexName, tempName } from "../../src/plan/postgres/names";
import { dollarQuote } from "../../src/plan/postgres/sql-text";
import { assertion, incremental, options, relationInfo, state, table, view } from "./fixtures";

describe("names", () => {
  it("temp names keep the marker and the run id within 63 bytes, and stay distinct", () => {
    expect(tempName("orders", "tmp", "20260101_000000_ab12")).toBe("orders__strata_tmp_20260101_000000_ab12");
    const long = "a_very_long_model_name_that_goes_on_and_on_and_on_";
    const a = tempName(`${long}1`, "tmp", "20260101_000000_ab12");
    const b = tempName(`${long}2`, "tmp", "20260101_000000_ab12");
    for (const name of [a, b]) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
      expect(name.endsWith("__strata_tmp_20260101_000000_ab12")).toBe(true);
    }
    expect(a).not.toBe(b);
    // Multi-byte characters are never cut in half.
    const accented = fitIdentifier("é".repeat(40), "_idx");
    expect(Buffer.byteLength(accented)).toBeLessThanOrEqual(63);
    expect(accented).not.toContain("\uFFFD");
    // A run id that is not a plain token is hashed.
    expect(tempName("t", "old", "Run 1/2")).toMatch(/^t__strata_old_[0-9a-f]{12}$/);
    expect(indexName("orders", ["customer_id", "day"], false)).toBe("orders_customer_id_day_idx");
  });

  it("dollar quotes pick a tag the text does not contain", () => {
    expect(dollarQuote("select 1")).toBe("$sql$select 1$sql$");
    expect(dollarQuote("select $sql$x$sql$")).toBe("$sql1$select $sql$x$sql$$sql1$");
  });

  it("the definition hash ignores key order and changes with the query", () => {
    expect(definitionHash({ a: 1, b: [2] })).toBe(definitionHash({ b: [2], a: 1 }));
    expect(definitionHash({ query: "select 1" })).not.toBe(definitionHash({ query: "select 2" }));
    expect(definitionHash({ query: "select 1" })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("errors", () => {
  const t = { schema: "ods", name: "events" };

  it("merge without a uniqueKey is a config error naming the action and its file", () => {
    const action = incremental(t, { strata: { incrementalStrategy: "merge", location: { file: "definitions/ods/events.sqlx", line: 1 } } });
    const err = (() => {
      try {
        planPostgres(action, state(), options());
      } catch (e) {
        return e;
      }
    })() as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.oneLine()).toBe('definitions/ods/events.sqlx:1: incremental table "ods.events": incrementalStrategy "merge" needs a uniqueKey');
  });

  it("a protected incremental is never replaced, even when a view has its name", () => {
    const existing = relationInfo({ ...t, kind: "view" });
    expect(() => planPostgres(incremental(t, { protected: true }), state([existing]), options())).toThrow(
      'incremental table "ods.events" is protected, but a view has its name; Strata will not replace it',
    );
  });

  it("a foreign table of the same name is never dropped", () => {
    const existing = relationInfo({ ...t, kind: "foreign_table" });
    let err: unknown;
    try {
      planPostgres(table(t), state([existing]), options());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).exitCode).toBe(ExitCode.actionFailed);
    expect((err as StrataError).message).toBe('"ods.events" exists as a foreign table that Strata did not build; drop or rename it before running this action');
  });

  it("an unknown privilege in grants is rejected before anything runs", () => {
    expect(() => planPostgres(table(t, { strata: { grants: { bi: ["select; drop table x"] } } }), state(), options())).toThrow(
      /grants of "ods.events": "select; drop table x" is not a privilege/,
    );
  });
});

describe("decisions from the warehouse state", () => {
  const mv = { schema: "r", name: "m" };

  it("a materialized view without Strata's hash is rebuilt, with a notice saying why", () => {
    const existing = relationInfo({ ...mv, kind: "materialized_view", comment: "made by hand" });
    const plan = planPostgres(view(mv, { materialized: true }), state([existing]), options());
    expect(plan.notices).toEqual(['materialized view "r.m" rebuilt because it carries no definition hash from Strata']);
    expect(plan.cleanup).toEqual(['drop materialized view if exists "r"."m__strata_tmp_20260101_000000_ab12"']);
  });

  it("a materialized view whose unique index is gone is refreshed without CONCURRENTLY", () => {
    const action = view(mv, { materialized: true, uniqueKey: ["k"] });
    const first = planPostgres(action, state(), options());
    const hash = /strata:hash=([0-9a-f]+)/.exec(first.steps.flatMap((s) => s.statements).join("\n"))![1];
    const existing = relationInfo({ ...mv, kind: "materialized_view", definitionHash: hash, comment: `strata:hash=${hash}` });
    const plan = planPostgres(action, state([existing]), options());
    expect(plan.steps.map((s) => s.statements)).toEqual([['refresh materialized view "r"."m"']]);
    expect(plan.notices[0]).toContain("refreshed without CONCURRENTLY");
  });

  it("the schema is created only when the warehouse lacks it", () => {
    const t = { schema: "s", name: "t" };
    expect(planPostgres(table(t), state([], ["s"]), options()).steps[0].description).not.toContain("schema");
    expect(planPostgres(table(t), state(), options()).steps[0].statements).toEqual(['create schema if not exists "s"']);
  });

  it("assertions.newRowsOnly: the update keeps its new rows, and the checks count failures among them", () => {
    const t = { schema: "ods", name: "events" };
    const existing = relationInfo({ ...t, kind: "table", columns: [{ name: "id", type: "integer", nullable: false }, { name: "amount", type: "integer", nullable: true }], indexes: [] });
    const kept = planPostgres(incremental(t, { uniqueKey: ["id"], strata: { keepsNewRows: true } }), state([existing]), options());
    const incoming = { schema: "ods", name: "events__strata_tmp_20260101_000000_ab12" };
    expect(kept.newRows).toEqual({ relation: incoming, key: ["id"] });
    expect(kept.steps.flatMap((s) => s.statements).some((sql) => sql.startsWith("drop table"))).toBe(false);
    expect(kept.cleanup).toEqual(['drop table if exists "ods"."events__strata_tmp_20260101_000000_ab12"']);
    // Without the option the merge drops them at once, as before.
    const plain = planPostgres(incremental(t, { uniqueKey: ["id"] }), state([existing]), options());
    expect(plain.newRows).toBeUndefined();
    expect(plain.steps[1].statements).toContain('drop table "ods"."events__strata_tmp_20260101_000000_ab12"');

    const check = (newRowsCheck: NonNullable<Assertion["strata"]>["newRowsCheck"]) => ({
      ...assertion({ schema: "qa", name: "ods_events_assertions_check" }, "select 1"),
      parentAction: t,
      strata: { newRowsCheck },
    });
    const updated = state([], ["qa"]);
    updated.newRows = new Map([["ods.events", { relation: incoming, key: ["id"] }]]);
    const rows = planPostgres(check({ kind: "rowConditions", conditions: ["amount >= 0", "code IS NOT NULL"] }), updated, options()).check!;
    // The written rows are picked once (a CTE), whatever the number of conditions.
    expect(rows.countSql).toContain('(with written as (select distinct on ("id") * from "ods"."events__strata_tmp_20260101_000000_ab12" order by "id", ctid desc)');
    expect(rows.countSql.match(/distinct on/g)).toHaveLength(1);
    expect(rows.countSql).toContain("FROM written\nWHERE NOT (amount >= 0)");
    expect(rows.countSql).toContain("FROM written\nWHERE NOT (code IS NOT NULL)");
    // ... and only if some new row fails a condition at all: one scan that stops at the first.
    expect(rows.countSql).toMatch(
      /^select case when exists \(select 1 from "ods"\."events__strata_tmp_20260101_000000_ab12" where not \(amount >= 0\) or not \(code IS NOT NULL\)\) then \(select count\(\*\) from \(with written as/,
    );
    const keys = planPostgres(check({ kind: "uniqueKey", columns: ["code"] }), updated, options()).check!;
    expect(keys.countSql).toContain('FROM (select * from "ods"."events" where (code) in (select code from "ods"."events__strata_tmp_20260101_000000_ab12")) as written_keys');
    // The table was not updated incrementally in this run: the whole view is counted.
    expect(planPostgres(check({ kind: "uniqueKey", columns: ["code"] }), state([], ["qa"]), options()).check!.countSql).toBe(
      'select count(*) as failing_rows from "qa"."ods_events_assertions_check"',
    );
  });

  it("planFor(postgres) is the PostgreSQL plan", () => {
    expect(planFor("postgres")).toBe(planPostgres);
  });
});
