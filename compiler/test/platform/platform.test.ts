// End to end: the reference platform (landing → staging → ODS → marts) loaded and run by Strata on
// embedded PGlite and on a real PostgreSQL 15, checked against figures computed independently in
// TypeScript from the landing files; then a new day of files is loaded and run incrementally.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLanding } from "../../src/load/index";
import { resolveTarget } from "../../src/project/targets";
import { runProject } from "../../src/runner/run";
import type { RunResults } from "../../src/runner/results";
import { createWarehouse } from "../../src/warehouse/index";
import { BILLING_ONLY_OFFSET, expectedMarts, type ExpectedMarts } from "./expected-marts";
import { readLanding } from "./landing-files";
import { serverIsUp } from "../plan/engines";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require("../../../tools/generate/generate.js") as {
  generate(options: { out: string; day?: number; days?: number; scale?: number }): { files: number };
};

const REPO = path.resolve(__dirname, "../../..");
const PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
const NEW_DAY = 43;

/** A throwaway copy of the reference project with its own landing zone and target. */
function makeProject(targetYaml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-platform-"));
  for (const entry of ["dataform.json", "definitions", "assertions", "includes", "landing"]) {
    fs.cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
  }
  fs.writeFileSync(path.join(dir, "targets.yaml"), targetYaml);
  return dir;
}

async function load(projectDir: string) {
  const warehouse = createWarehouse(resolveTarget(projectDir), { projectDir, concurrency: 1 });
  await warehouse.connect();
  try {
    return await loadLanding({ projectDir, warehouse });
  } finally {
    await warehouse.close();
  }
}

async function query(projectDir: string, sqls: Record<string, string>): Promise<Record<string, Record<string, unknown>[]>> {
  const warehouse = createWarehouse(resolveTarget(projectDir), { projectDir, concurrency: 1 });
  await warehouse.connect();
  try {
    const out: Record<string, Record<string, unknown>[]> = {};
    await warehouse.withSession(async (session) => {
      for (const [name, sql] of Object.entries(sqls)) out[name] = (await session.execute(sql)).rows;
    });
    return out;
  } finally {
    await warehouse.close();
  }
}

const MART_QUERIES = {
  daily: `select to_char(sales_date, 'YYYY-MM-DD') as date, order_count::int as orders, cancelled_order_count::int as cancelled,
            (net_revenue * 100)::bigint as net, (tax_amount * 100)::bigint as tax from marts.daily_sales order by sales_date`,
  topClients: `select to_char(month_start, 'YYYY-MM-DD') as month, client_rank::int as rank, customer_id::int as customer, (net_revenue * 100)::bigint as net
                 from marts.top_clients_monthly order by month_start, client_rank`,
  monthlyTax: `select to_char(month_start, 'YYYY-MM-DD') as month, country, order_count::int as orders, (net_amount * 100)::bigint as net, (tax_amount * 100)::bigint as tax
                 from marts.monthly_tax order by month_start, country`,
  anomalies: `select expense_id, z_score::text as z, is_anomaly from marts.expense_anomalies order by expense_id`,
  biweekly: `select to_char(period_start, 'YYYY-MM-DD') as period, payment_count::int as payments, (amount_received * 100)::bigint as received,
               unmatched_payment_count::int as unmatched, (unmatched_amount * 100)::bigint as unmatched_amount from marts.biweekly_payments order by period_start`,
  customer360: `select customer_id::int as customer, order_count::int as orders, (lifetime_net_revenue * 100)::bigint as net, (total_paid * 100)::bigint as paid,
                  to_char(first_order_date, 'YYYY-MM-DD') as first, to_char(last_order_date, 'YYYY-MM-DD') as last
                  from marts.customer_360 order by customer_id`,
  customerIdentity: `select customer_id::int as customer, country, customer_name as name, phone, segment from ods.customer order by customer_id`,
  customerMonthly: `select to_char(month_start, 'YYYY-MM-DD') as month, customer_id::int as customer, order_count::int as orders, cancelled_order_count::int as cancelled,
                      (net_revenue * 100)::bigint as net, (paid_amount * 100)::bigint as paid, to_char(first_order_date, 'YYYY-MM-DD') as first,
                      to_char(last_order_date, 'YYYY-MM-DD') as last
                      from marts.customer_monthly_sales order by month_start, customer_id`,
  weekly: `select to_char(week_start, 'YYYY-MM-DD') as week, cost_centre_code as centre, expense_count::int as entries, (total_amount * 100)::bigint as total
             from marts.weekly_operating_costs order by week_start, cost_centre_code`,
  yearly: `select sales_year::int as year, (net_revenue * 100)::bigint as net, growth_pct::text as growth from marts.sales_growth_yearly order by sales_year`,
  counts: `select (select count(*) from ods.customer)::int as customers, (select count(*) from ods.sales_order)::int as orders,
             (select count(*) from ods.sales_order_line)::int as lines, (select count(*) from staging.stg_sales_orders)::int as staged_orders`,
};

type MartRows = Awaited<ReturnType<typeof query>>;

/** Checks every mart against the independently computed figures. */
function expectMartsMatch(rows: MartRows, expected: ExpectedMarts): void {
  expect(rows.counts[0]).toEqual({ customers: expected.customers, orders: expected.orders, lines: expected.lines, staged_orders: expected.orders });
  expect(rows.daily.map((r) => ({ date: r.date, orders: r.orders, cancelled: r.cancelled, netCents: Number(r.net), taxCents: Number(r.tax) }))).toEqual(expected.daily);
  expect(rows.topClients.map((r) => ({ month: r.month, rank: r.rank, customerId: r.customer, netCents: Number(r.net) }))).toEqual(expected.topClients);
  expect(rows.monthlyTax.map((r) => ({ month: r.month, country: r.country, orders: r.orders, netCents: Number(r.net), taxCents: Number(r.tax) }))).toEqual(expected.monthlyTax);
  expect(rows.biweekly.map((r) => ({ periodStart: r.period, payments: r.payments, receivedCents: Number(r.received), unmatched: r.unmatched, unmatchedCents: Number(r.unmatched_amount) }))).toEqual(expected.biweekly);
  expect(rows.customer360.map((r) => ({ customerId: r.customer, orders: r.orders, netCents: Number(r.net), paidCents: Number(r.paid), first: r.first, last: r.last }))).toEqual(expected.customer360);
  expect(rows.customerIdentity.map((r) => ({ customerId: r.customer, country: r.country, name: r.name, phone: r.phone, segment: r.segment }))).toEqual(expected.customerIdentity);
  expect(rows.customerMonthly.map((r) => ({ month: r.month, customerId: r.customer, orders: r.orders, cancelled: r.cancelled, netCents: Number(r.net), paidCents: Number(r.paid), first: r.first, last: r.last }))).toEqual(expected.customerMonthly);
  expect(rows.weekly.map((r) => ({ weekStart: r.week, costCentre: r.centre, entries: r.entries, totalCents: Number(r.total) }))).toEqual(expected.weeklyCosts);
  expect(rows.yearly.map((r) => ({ year: r.year, netCents: Number(r.net) }))).toEqual(expected.yearly);
  expect(rows.anomalies.map((r) => r.expense_id)).toEqual(expected.anomalies.map((a) => a.expenseId));
  expect(rows.anomalies.filter((r) => r.is_anomaly).map((r) => r.expense_id)).toEqual(expected.anomalies.filter((a) => a.isAnomaly).map((a) => a.expenseId));
  rows.anomalies.forEach((r, i) => expect(Number(r.z)).toBeCloseTo(expected.anomalies[i].z ?? NaN, 2));
}

function failures(results: RunResults | undefined) {
  return (results?.actions ?? []).filter((a) => a.status === "failed" || a.status === "skipped").map((a) => `${a.name}: ${a.error ?? a.skippedBecause}`);
}


const marts: Record<string, { full: MartRows; incremental: MartRows; corrected: MartRows; late: MartRows }> = {};

/** An order that never arrives: its line is the one sales_order_line_relationships must report. */
const ORPHAN_ORDER_ID = 999999998;
/** An order new in the corrections, paid in the same run: its payment must be counted once. */
const PAID_NEW_ORDER_ID = 999999990;
/** An order paid in the corrections that arrives a run later: its payment waits for it. */
const LATE_ORDER_ID = 999999991;
/** A CRM customer new in the corrections with a billing-only account's e-mail: they become one customer. */
const MERGED_CRM_ID = 990;

/**
 * Correction files, written after the new day: four orders of an early day re-sent (status
 * flipped; another customer; moved to another month; unchanged), another order's first line
 * re-sent with one more unit, a line of an order that never arrives, a new order with its line, new
 * payments for the re-lined order, the unchanged re-sent order, an order the corrections do not
 * touch (the marts add those two), the new order (it brings its payment along) and an order that
 * only arrives in a later run, an early payment re-sent with 1 EUR more, and a new CRM customer with
 * the e-mail of a billing-only account (ods.customer must delete the billing-only row), and the new
 * order's buyer renamed in the CRM. Named to sort after the day's files, as the expected figures
 * read files in name order. Returns the late order's header and line, the customer_id of the
 * billing-only customer the CRM one absorbs, and the renamed customer with its new name.
 */
function writeCorrections(landingDir: string): { lateOrder: string; lateLine: string; absorbedCustomerId: number; renamed: { customerId: number; name: string } } {
  const csvRows = (file: string) => fs.readFileSync(path.join(landingDir, file), "utf8").trim().split("\n");
  const [header, ...orders] = csvRows("sales_orders/sales_orders_2024-12-10.csv");
  const fields = orders.slice(0, 5).map((line) => line.split(","));
  const [flipped, moved, redated, same, relined] = fields;
  const untouched = orders[5].split(",");
  flipped[4] = flipped[4] === "completed" ? "cancelled" : "completed";
  moved[1] = String(Number(moved[1]) === 1 ? 2 : Number(moved[1]) - 1);
  redated[2] = "2025-01-05";
  const fresh = [String(PAID_NEW_ORDER_ID), same[1], "2025-01-12", same[3], "completed"];
  fs.writeFileSync(
    path.join(landingDir, "sales_orders/sales_orders_2025-01-12_corrections.csv"),
    [header, ...[flipped, moved, redated, same, fresh].map((f) => f.join(","))].join("\n") + "\n",
  );
  const [lineHeader, ...lines] = csvRows("sales_order_lines/sales_order_lines_2024-12-10.csv");
  const line = lines.find((l) => l.startsWith(`${relined[0]},1,`))!.split(",");
  line[3] = String(Number(line[3]) + 1);
  const orphan = [ORPHAN_ORDER_ID, 1, line[2], 1, line[4], 0].join(",");
  const freshLine = [PAID_NEW_ORDER_ID, 1, line[2], 2, line[4], 0].join(",");
  fs.writeFileSync(path.join(landingDir, "sales_order_lines/sales_order_lines_2025-01-12_corrections.csv"), `${lineHeader}\n${line.join(",")}\n${orphan}\n${freshLine}\n`);
  const resent = JSON.parse(fs.readFileSync(path.join(landingDir, "payments/payments_2024-12-14.ndjson"), "utf8").split("\n")[0]);
  const payments = [
    { payment_id: 99000001, order_id: Number(relined[0]), paid_at: "2025-01-12 10:00:00", amount: 123.45, method: "transfer", currency: "EUR" },
    { payment_id: 99000002, order_id: Number(same[0]), paid_at: "2025-01-12 11:00:00", amount: 45.67, method: "card", currency: "EUR" },
    { payment_id: 99000003, order_id: Number(untouched[0]), paid_at: "2025-01-12 12:00:00", amount: 8.9, method: "card", currency: "EUR" },
    { payment_id: 99000004, order_id: PAID_NEW_ORDER_ID, paid_at: "2025-01-12 13:00:00", amount: 10, method: "card", currency: "EUR" },
    { payment_id: 99000005, order_id: LATE_ORDER_ID, paid_at: "2025-01-12 14:00:00", amount: 20, method: "card", currency: "EUR" },
    { ...resent, amount: Number(resent.amount) + 1 },
  ];
  fs.writeFileSync(path.join(landingDir, "payments/payments_2025-01-12_corrections.ndjson"), payments.map((p) => JSON.stringify(p)).join("\n") + "\n");
  const crmEmails = new Set(
    fs.readdirSync(path.join(landingDir, "crm_customers")).filter((f) => f.endsWith(".csv")).flatMap((f) => csvRows(`crm_customers/${f}`).slice(1).map((r) => r.split(",")[2].trim().toLowerCase())),
  );
  const billingOnly = JSON.parse(fs.readFileSync(path.join(landingDir, "billing_customers/billing_customers_2024-12-22.json"), "utf8")).find(
    (b: { crm_customer_id: number | null; email: string }) => b.crm_customer_id === null && !crmEmails.has(b.email.trim().toLowerCase()),
  );
  const [crmHeader] = csvRows("crm_customers/crm_customers_2024-12-01.csv");
  // The buyer of the new order also changes name in the CRM: customer_360 must take both the new
  // name and the new order's figures (not a group recomputed anyway: none of its orders changed).
  const renamedId = same[1];
  if ([flipped[1], moved[1], orders[1].split(",")[1], redated[1], relined[1]].includes(renamedId)) throw new Error(`test data: customer ${renamedId} also has a changed order`);
  const crmRows = fs.readdirSync(path.join(landingDir, "crm_customers")).filter((f) => f.endsWith(".csv")).flatMap((f) => csvRows(`crm_customers/${f}`).slice(1));
  const renamed = crmRows.map((r) => r.split(",")).filter((r) => r[0] === renamedId).sort((a, b) => a[8].localeCompare(b[8])).pop()!;
  renamed[1] = `${renamed[1]} Renamed`;
  renamed[8] = "2025-01-12 09:30:00";
  fs.writeFileSync(
    path.join(landingDir, "crm_customers/crm_customers_2025-01-12_corrections.csv"),
    `${crmHeader}\n${[MERGED_CRM_ID, "Direct Buyer", ` ${billingOnly.email.toUpperCase()} `, "+31 20 555 0101", "Utrecht", "NL", "SMB", "2025-01-12", "2025-01-12 09:00:00"].join(",")}\n${renamed.join(",")}\n`,
  );
  return {
    lateOrder: `${header}\n${[LATE_ORDER_ID, same[1], "2025-01-12", same[3], "completed"].join(",")}\n`,
    lateLine: `${lineHeader}\n${[LATE_ORDER_ID, 1, line[2], 3, line[4], 0].join(",")}\n`,
    absorbedCustomerId: BILLING_ONLY_OFFSET + Number(billingOnly.billing_account_id.slice(3)),
    renamed: { customerId: Number(renamedId), name: renamed[1] },
  };
}

interface Engine {
  name: string;
  setUp(): Promise<string | undefined>;
  tearDown(): Promise<void>;
}

const database = `platform_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const engines: Engine[] = [
  {
    name: "pglite",
    setUp: async () => "default: local\ntargets:\n  local: { adapter: pglite, path: .strata/warehouse }\n",
    tearDown: async () => {},
  },
  {
    name: "postgres",
    setUp: async () => {
      if (!(await serverIsUp())) {
        console.warn(`platform e2e: PostgreSQL at ${PG_ADMIN_URL} is not reachable; skipping the PostgreSQL 15 run`);
        return undefined;
      }
      const admin = new Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`create database ${database}`);
      await admin.end();
      return `default: pg\ntargets:\n  pg: { adapter: postgres, url: "postgres://postgres@127.0.0.1:5432/${database}" }\n`;
    },
    tearDown: async () => {
      const admin = new Client({ connectionString: PG_ADMIN_URL });
      await admin.connect().catch(() => undefined);
      await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  },
];

describe("reference platform, end to end", () => {
  const projects: string[] = [];
  let expectedFull: ExpectedMarts;
  let expectedWithNewDay: ExpectedMarts;
  let newDayOrders: number;

  beforeAll(() => {
    expectedFull = expectedMarts(readLanding(path.join(REPO, "landing")).files);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "strata-platform-day-"));
    fs.cpSync(path.join(REPO, "landing"), scratch, { recursive: true });
    generator.generate({ out: scratch, day: NEW_DAY });
    const files = readLanding(scratch).files;
    expectedWithNewDay = expectedMarts(files);
    newDayOrders = new Set(files.filter((f) => f.source === "sales_orders" && f.file.includes("2025-01-12")).flatMap((f) => f.rows.map((r) => r.order_id))).size;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  afterAll(async () => {
    for (const dir of projects) fs.rmSync(dir, { recursive: true, force: true });
    for (const engine of engines) await engine.tearDown();
  });

  it("the committed landing sample is exactly what the generator outputs", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "strata-platform-gen-"));
    projects.push(out);
    generator.generate({ out });
    for (const source of fs.readdirSync(path.join(REPO, "landing"))) {
      const committed = fs.readdirSync(path.join(REPO, "landing", source)).filter((f) => f !== "contract.yaml").sort();
      expect(fs.readdirSync(path.join(out, source)).filter((f) => f !== "contract.yaml").sort()).toEqual(committed);
      for (const file of committed) {
        expect(fs.readFileSync(path.join(out, source, file)).equals(fs.readFileSync(path.join(REPO, "landing", source, file))), `${source}/${file}`).toBe(true);
      }
    }
  });

  for (const engine of engines) {
    it(`${engine.name}: builds every layer, marts match independent figures, a new day runs incrementally`, async (ctx) => {
      const targetYaml = await engine.setUp();
      if (!targetYaml) return ctx.skip();
      const projectDir = makeProject(targetYaml);
      projects.push(projectDir);

      const firstLoad = await load(projectDir);
      expect(firstLoad.quarantined).toBe(0);
      expect(firstLoad.loaded).toBeGreaterThan(100);

      const first = await runProject({ projectDir });
      expect(failures(first.results)).toEqual([]);
      expect(first.exitCode).toBe(0);
      // The payment for an unknown order is a warn-level relationship failure: reported, not fatal.
      const warned = first.results!.actions.find((a) => a.name === "assertions.payment_order_exists");
      expect(warned?.status).toBe("warned");
      expect(warned?.assertion?.failingRows).toBe(1);
      // Read the marts, then edit an old landing row behind Strata's back: an incremental run must
      // not see it (only rows loaded after the last run are processed; a full refresh would).
      const full = await query(projectDir, {
        ...MART_QUERIES,
        tamper: "update landing.sales_orders set channel = 'tampered' where _source_file like '%2024-12-01%'",
      });
      delete full.tamper;
      expectMartsMatch(full, expectedFull);
      expect(full.daily.filter((d) => d.orders === 0).map((d) => d.date)).toEqual(["2024-12-25", "2025-01-01"]);
      expect(full.anomalies.some((a) => a.is_anomaly)).toBe(true);

      // A new day of landing files: only the new rows flow through staging and the ODS.
      const newDay = generator.generate({ out: path.join(projectDir, "landing"), day: NEW_DAY });
      const secondLoad = await load(projectDir);
      expect(secondLoad.loaded).toBe(newDay.files); // only that day's files; the others are unchanged
      expect(secondLoad.unchanged).toBe(firstLoad.loaded);
      const second = await runProject({ projectDir });
      expect(failures(second.results)).toEqual([]);
      expect(second.exitCode).toBe(0);
      const incremental = await query(projectDir, {
        ...MART_QUERIES,
        tampered: "select count(*)::int as n from staging.stg_sales_orders where channel = 'tampered'",
        newDay: "select count(*)::int as n from staging.stg_sales_orders where _source_file like '%2025-01-12%'",
      });
      expect(incremental.tampered[0].n).toBe(0);
      expect(incremental.newDay[0].n).toBe(newDayOrders);
      delete incremental.tampered;
      delete incremental.newDay;
      expectMartsMatch(incremental, expectedWithNewDay);

      // Corrections: old orders re-sent with another status, customer or month, one unchanged, a
      // line-only change, new payments for old orders and a payment re-sent with another amount.
      // The marts that add new orders' figures must recompute exactly the groups these change.
      const corrections = writeCorrections(path.join(projectDir, "landing"));
      expect((await load(projectDir)).loaded).toBe(4);
      const third = await runProject({ projectDir });
      expect(failures(third.results)).toEqual(["assertions.sales_order_line_relationships: 1 failing row"]);
      const orphan = third.results!.actions.find((a) => a.name === "assertions.sales_order_line_relationships")!.assertion!;
      expect(orphan.sample).toEqual([expect.objectContaining({ order_id: ORPHAN_ORDER_ID, line_number: 1, problem: "unknown order" })]);
      // The payment for the late order waits for it (a warn-level failure until then).
      expect(third.results!.actions.find((a) => a.name === "assertions.payment_order_exists")?.assertion?.failingRows).toBe(2);
      const corrected = await query(projectDir, MART_QUERIES);
      expectMartsMatch(corrected, expectedMarts(readLanding(path.join(projectDir, "landing")).files));
      expect(corrected.customerIdentity.filter((c) => c.customer === MERGED_CRM_ID || c.customer === corrections.absorbedCustomerId)).toEqual([
        { customer: MERGED_CRM_ID, country: "NL", name: "Direct Buyer", phone: "+31 20 555 0101", segment: "SMB" },
      ]);
      const renamed = await query(projectDir, { row: `select customer_name as name from marts.customer_360 where customer_id = ${corrections.renamed.customerId}` });
      expect(renamed.row).toEqual([{ name: corrections.renamed.name }]);

      // The late order arrives: ods.payment re-checks the waiting payment, and the marts count it
      // with the order.
      fs.writeFileSync(path.join(projectDir, "landing/sales_orders/sales_orders_2025-01-12_late.csv"), corrections.lateOrder);
      fs.writeFileSync(path.join(projectDir, "landing/sales_order_lines/sales_order_lines_2025-01-12_late.csv"), corrections.lateLine);
      expect((await load(projectDir)).loaded).toBe(2);
      const fourth = await runProject({ projectDir });
      expect(failures(fourth.results)).toEqual([]);
      expect(fourth.results!.actions.find((a) => a.name === "assertions.payment_order_exists")?.assertion?.failingRows).toBe(1);
      const late = await query(projectDir, MART_QUERIES);
      expectMartsMatch(late, expectedMarts(readLanding(path.join(projectDir, "landing")).files));

      marts[engine.name] = { full, incremental, corrected, late };

      if (engine.name !== "pglite") return;
      // The README's bad file: quarantined with a reason naming the row, column and value; nothing loaded.
      fs.cpSync(path.join(REPO, "examples", "bad-landing", "sales_orders"), path.join(projectDir, "landing", "sales_orders"), { recursive: true });
      const badLoad = await load(projectDir);
      expect(badLoad.exitCode).toBe(1);
      const quarantined = badLoad.files.filter((f) => f.status === "quarantined");
      expect(quarantined.map((f) => f.path)).toEqual(["landing/sales_orders/sales_orders_2025-01-13.csv"]);
      expect(quarantined[0].reason).toMatch(/order_date/);
      expect(quarantined[0].reason).toContain("01/13/2025");
      const badRows = await query(projectDir, { n: "select count(*)::int as n from landing.sales_orders where _source_file like '%2025-01-13%'" });
      expect(badRows.n[0].n).toBe(0);
    });
  }

  it("PGlite and PostgreSQL 15 build identical marts", (ctx) => {
    if (!marts.pglite || !marts.postgres) return ctx.skip();
    expect(marts.postgres).toEqual(marts.pglite);
  });
});
