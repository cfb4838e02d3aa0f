import { beforeAll, describe, expect, it } from "vitest";
import { analyzePostgresQuery, loadPostgresParser } from "../../src/analysis/pg-lineage";

const schemas: Record<string, string[]> = {
  "ods.sales_order": ["order_id", "customer_id", "order_date"],
  "ods.sales_order_line": ["order_id", "quantity", "unit_price"],
};
const known = (r: string) => schemas[r];

beforeAll(loadPostgresParser);

describe("column lineage with PostgreSQL's parser", () => {
  it("follows columns through CTEs, joins and aggregates", () => {
    const sql = `with lines as (select order_id, quantity * unit_price as amount from "ods"."sales_order_line"),
      o as (select * from "ods"."sales_order")
      select o.order_date as sales_date, sum(l.amount) as revenue, count(distinct o.customer_id) as customers, o.customer_id
      from o join lines l on l.order_id = o.order_id group by 1, 4`;
    const { columns, relations } = analyzePostgresQuery(sql, known);
    expect(relations.map((r) => r.relation).sort()).toEqual(["ods.sales_order", "ods.sales_order_line"]);
    expect(columns).toEqual([
      { name: "sales_date", sources: [{ relation: "ods.sales_order", column: "order_date" }], transformed: false },
      {
        name: "revenue",
        sources: [
          { relation: "ods.sales_order_line", column: "quantity" },
          { relation: "ods.sales_order_line", column: "unit_price" },
        ],
        transformed: true,
      },
      { name: "customers", sources: [{ relation: "ods.sales_order", column: "customer_id" }], transformed: true },
      { name: "customer_id", sources: [{ relation: "ods.sales_order", column: "customer_id" }], transformed: false },
    ]);
  });

  it("expands select * from known schemas and subqueries", () => {
    const { columns } = analyzePostgresQuery(`select s.* from (select order_id, order_date::date as d from ods.sales_order) s`, known);
    expect(columns?.map((c) => [c.name, c.transformed, c.sources.map((s) => s.column).join()])).toEqual([
      ["order_id", false, "order_id"],
      ["d", true, "order_date"],
    ]);
  });

  it("does not report CTE names as tables", () => {
    const { relations } = analyzePostgresQuery(`with customer as (select 1 as id) select * from customer join ods.sales_order o on true`, known);
    expect(relations.map((r) => r.relation)).toEqual(["ods.sales_order"]);
  });

  it("merges both sides of a UNION by position", () => {
    const { columns } = analyzePostgresQuery(`select order_id as id from ods.sales_order union all select order_id from ods.sales_order_line`, known);
    expect(columns).toEqual([
      {
        name: "id",
        sources: [
          { relation: "ods.sales_order", column: "order_id" },
          { relation: "ods.sales_order_line", column: "order_id" },
        ],
        transformed: false,
      },
    ]);
  });

  it("throws PostgreSQL's own syntax error for broken SQL", () => {
    expect(() => analyzePostgresQuery("select from where", known)).toThrow(/syntax error at or near "where"/);
  });
});
