// Column-level lineage of the reference platform's marts, followed through two layers
// (marts → ods → staging), against hand-written expectations.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { analyzeGraph, type GraphAnalysis } from "../../src/analysis/analyze";
import { compileProject } from "../../src/compile";

const root = path.resolve(__dirname, "../../..");
let analysis: GraphAnalysis;

beforeAll(async () => {
  const { graph } = compileProject(root);
  expect(graph.graphErrors.compilationErrors).toEqual([]);
  analysis = await analyzeGraph(graph, { projectDir: root, useCache: false });
});

/** The staging columns a column comes from, following the lineage through every ODS model. */
function stagingSources(relation: string, column: string, seen = new Set<string>()): string[] {
  const key = `${relation}.${column}`;
  if (seen.has(key)) return [];
  seen.add(key);
  if (relation.startsWith("staging.")) return [key];
  const lineage = analysis.actions.get(relation)?.lineage?.find((c) => c.name === column);
  if (!lineage) return [];
  return [...new Set(lineage.sources.flatMap((s) => stagingSources(s.relation, s.column, seen)))].sort();
}

function direct(relation: string, column: string) {
  const c = analysis.actions.get(relation)?.lineage?.find((l) => l.name === column);
  return c && { transformed: c.transformed, sources: c.sources.map((s) => `${s.relation}.${s.column}`).sort() };
}

describe("lineage of the reference platform's marts", () => {
  it("customer_360.email: passed through from ods.customer, which resolves CRM and billing e-mails", () => {
    expect(direct("marts.customer_360", "email")).toEqual({ transformed: false, sources: ["ods.customer.email"] });
    expect(stagingSources("marts.customer_360", "email")).toEqual(["staging.stg_billing_customers.email", "staging.stg_crm_customers.email"]);
  });

  it("weekly_operating_costs.cost_centre_name: passed through two layers from the expenses export", () => {
    expect(direct("marts.weekly_operating_costs", "cost_centre_name")).toEqual({ transformed: false, sources: ["ods.cost_centre.cost_centre_name"] });
    expect(stagingSources("marts.weekly_operating_costs", "cost_centre_name")).toEqual(["staging.stg_expenses.cost_centre_name"]);
  });

  it("weekly_operating_costs.total_amount: a sum of ods.expense.amount, from the expenses' amounts", () => {
    expect(direct("marts.weekly_operating_costs", "total_amount")).toEqual({ transformed: true, sources: ["ods.expense.amount"] });
    expect(stagingSources("marts.weekly_operating_costs", "total_amount")).toEqual(["staging.stg_expenses.amount"]);
  });

  it("customer_360.total_paid: a sum of the customer's payments, from the payments' amounts", () => {
    expect(direct("marts.customer_360", "total_paid")).toEqual({ transformed: true, sources: ["ods.payment.amount"] });
    expect(stagingSources("marts.customer_360", "total_paid")).toEqual(["staging.stg_payments.amount"]);
  });

  it("monthly_tax.country: the VAT country of the daily totals, the customer's country from both customer sources", () => {
    expect(direct("marts.monthly_tax", "country")?.sources).toEqual(["marts.daily_tax.country"]);
    expect(stagingSources("marts.monthly_tax", "country")).toEqual(["staging.stg_billing_customers.country", "staging.stg_crm_customers.country"]);
  });

  it("daily_sales.net_revenue: from order lines through the ODS orders", () => {
    const sources = stagingSources("marts.daily_sales", "net_revenue");
    expect(sources).toContain("staging.stg_sales_order_lines.quantity");
    expect(sources.every((s) => s.startsWith("staging.stg_sales_order"))).toBe(true);
  });
});
