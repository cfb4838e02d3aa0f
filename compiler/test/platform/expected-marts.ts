// The marts' figures computed INDEPENDENTLY in TypeScript from the landing files (not by running
// the platform's SQL), so the end-to-end test can check what the warehouse built. Amounts are
// integer cents; rounding is half up to the cent, as PostgreSQL rounds positive numerics.
import { cents, type LandingFile, type LandingRow } from "./landing-files";

export interface DailySales { date: string; orders: number; cancelled: number; netCents: number; taxCents: number }
export interface TopClient { month: string; rank: number; customerId: number; netCents: number }
export interface MonthlyTax { month: string; country: string; orders: number; netCents: number; taxCents: number }
export interface Anomaly { expenseId: string; z: number | null; isAnomaly: boolean }
export interface BiweeklyPayments { periodStart: string; payments: number; receivedCents: number; unmatched: number; unmatchedCents: number }
export interface Customer360 { customerId: number; orders: number; netCents: number; paidCents: number; first: string | null; last: string | null }
export interface CustomerMonth { month: string; customerId: number; orders: number; cancelled: number; netCents: number; paidCents: number; first: string | null; last: string | null }
export interface WeeklyCost { weekStart: string; costCentre: string; entries: number; totalCents: number }

export interface ExpectedMarts {
  customers: number;
  orders: number;
  lines: number;
  daily: DailySales[];
  topClients: TopClient[];
  monthlyTax: MonthlyTax[];
  anomalies: Anomaly[];
  biweekly: BiweeklyPayments[];
  customer360: Customer360[];
  customerMonthly: CustomerMonth[];
  customerIdentity: ({ customerId: number } & ResolvedCustomer)[];
  weeklyCosts: WeeklyCost[];
  yearly: { year: number; netCents: number }[];
}

export const BILLING_ONLY_OFFSET = 900000;
const BIWEEKLY_ANCHOR = "2024-12-01";
const ANOMALY_Z = 3;
const DAY_MS = 86_400_000;

/** Keeps the last row per key, files in load order (the latest file wins). */
function latestBy(rows: LandingRow[], key: (r: LandingRow) => string, newer: (a: LandingRow, b: LandingRow) => boolean = () => true): Map<string, LandingRow> {
  const out = new Map<string, LandingRow>();
  for (const row of rows) {
    const k = key(row);
    const seen = out.get(k);
    if (!seen || newer(row, seen)) out.set(k, row);
  }
  return out;
}

const rowsOf = (files: LandingFile[], source: string) => files.filter((f) => f.source === source).flatMap((f) => f.rows);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);
const halfUp = (numerator: number, denominator: number) => Math.floor((numerator + denominator / 2) / denominator);

function mondayOf(isoDate: string): string {
  const ms = dayMs(isoDate);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  return iso(ms - weekday * DAY_MS);
}

interface ResolvedCustomer { country: string; name: string | null; phone: string | null; segment: string | null }
const cleanText = (value: unknown) => (value === null || value === undefined || String(value).trim() === "" ? null : String(value).trim());

/** Each customer id's country (billing first, then CRM), name (CRM first), phone and segment (CRM), per the ODS survivorship rules. */
function resolveCustomers(files: LandingFile[]): Map<number, ResolvedCustomer> {
  const newerUpdate = (a: LandingRow, b: LandingRow) => String(a.updated_at) >= String(b.updated_at);
  const crm = latestBy(rowsOf(files, "crm_customers"), (r) => String(r.customer_id), newerUpdate);
  const billing = latestBy(rowsOf(files, "billing_customers"), (r) => String(r.billing_account_id), newerUpdate);
  const crmByEmail = new Map([...crm.values()].map((c) => [String(c.email).trim().toLowerCase(), Number(c.customer_id)]));
  const customers = new Map<number, ResolvedCustomer>();
  for (const c of crm.values()) {
    customers.set(Number(c.customer_id), { country: String(c.country).trim().toUpperCase(), name: cleanText(c.customer_name), phone: cleanText(c.phone), segment: cleanText(c.segment) });
  }
  for (const b of billing.values()) {
    const matched = b.crm_customer_id !== null && crm.has(String(b.crm_customer_id))
      ? Number(b.crm_customer_id)
      : b.crm_customer_id === null ? crmByEmail.get(String(b.email).trim().toLowerCase()) : undefined;
    const id = matched ?? BILLING_ONLY_OFFSET + Number(String(b.billing_account_id).slice(3));
    const known = customers.get(id);
    customers.set(id, { country: String(b.country), name: known?.name ?? cleanText(b.legal_name), phone: known?.phone ?? null, segment: known?.segment ?? null });
  }
  return customers;
}

export function expectedMarts(files: LandingFile[]): ExpectedMarts {
  const customers = resolveCustomers(files);
  const orders = latestBy(rowsOf(files, "sales_orders"), (r) => String(r.order_id));
  const lines = latestBy(rowsOf(files, "sales_order_lines"), (r) => `${r.order_id}/${r.line_number}`);
  const rates = rowsOf(files, "tax_rates");

  const netByOrder = new Map<number, number>();
  for (const l of lines.values()) {
    const basisPoints = cents(l.unit_price) * Number(l.quantity) * (100 - Number(l.discount_pct ?? 0));
    netByOrder.set(Number(l.order_id), (netByOrder.get(Number(l.order_id)) ?? 0) + halfUp(basisPoints, 100));
  }
  const rateBasisPoints = (country: string, date: string) => {
    const valid = rates.filter((r) => r.country === country && String(r.valid_from) <= date).sort((a, b) => String(a.valid_from).localeCompare(String(b.valid_from)));
    return valid.length ? cents(valid[valid.length - 1].standard_rate) : 0;
  };
  const priced = [...orders.values()].map((o) => {
    const net = netByOrder.get(Number(o.order_id)) ?? 0;
    const country = customers.get(Number(o.customer_id))?.country ?? "unknown";
    const tax = halfUp(net * rateBasisPoints(country, String(o.order_date)), 10_000);
    return { id: Number(o.order_id), customerId: Number(o.customer_id), date: String(o.order_date), completed: o.status === "completed", net, tax, country };
  });
  const completed = priced.filter((o) => o.completed);

  // daily sales over a date spine
  const dates = priced.map((o) => o.date).sort();
  const daily: DailySales[] = [];
  for (let ms = dayMs(dates[0]); ms <= dayMs(dates[dates.length - 1]); ms += DAY_MS) {
    const day = iso(ms);
    const ofDay = priced.filter((o) => o.date === day);
    const done = ofDay.filter((o) => o.completed);
    daily.push({ date: day, orders: done.length, cancelled: ofDay.length - done.length, netCents: sum(done.map((o) => o.net)), taxCents: sum(done.map((o) => o.tax)) });
  }

  // top ten clients per month
  const byMonthClient = groupSum(completed, (o) => `${o.date.slice(0, 7)}-01|${o.customerId}`, (o) => o.net);
  const topClients: TopClient[] = [];
  for (const month of [...new Set(completed.map((o) => `${o.date.slice(0, 7)}-01`))].sort()) {
    const ranked = [...byMonthClient].filter(([k]) => k.startsWith(`${month}|`)).map(([k, net]) => ({ customerId: Number(k.split("|")[1]), net }))
      .sort((a, b) => b.net - a.net || a.customerId - b.customerId).slice(0, 10);
    ranked.forEach((r, i) => topClients.push({ month, rank: i + 1, customerId: r.customerId, netCents: r.net }));
  }

  // monthly tax by country
  const monthlyTax: MonthlyTax[] = [];
  for (const key of [...new Set(completed.map((o) => `${o.date.slice(0, 7)}-01|${o.country}`))].sort()) {
    const [month, country] = key.split("|");
    const group = completed.filter((o) => `${o.date.slice(0, 7)}-01` === month && o.country === country);
    monthlyTax.push({ month, country, orders: group.length, netCents: sum(group.map((o) => o.net)), taxCents: sum(group.map((o) => o.tax)) });
  }

  // expense anomalies: z-score within the cost centre (sample standard deviation)
  const expenses = [...latestBy(rowsOf(files, "expenses"), (r) => String(r.expense_id)).values()];
  const anomalies: Anomaly[] = [];
  for (const code of [...new Set(expenses.map((e) => String(e.cost_centre_code)))]) {
    const group = expenses.filter((e) => e.cost_centre_code === code);
    const amounts = group.map((e) => cents(e.amount) / 100);
    const mean = amounts.reduce((a, b) => a + b, 0) / amounts.length;
    const sd = Math.sqrt(amounts.reduce((a, b) => a + (b - mean) ** 2, 0) / (amounts.length - 1));
    group.forEach((e, i) => {
      const z = sd > 0 ? (amounts[i] - mean) / sd : null;
      anomalies.push({ expenseId: String(e.expense_id), z, isAnomaly: z !== null && Math.abs(z) > ANOMALY_Z });
    });
  }
  anomalies.sort((a, b) => a.expenseId.localeCompare(b.expenseId));

  // weekly operating costs (every week with an expense × every cost centre)
  const weeks = [...new Set(expenses.map((e) => mondayOf(String(e.expense_date))))].sort();
  const centres = [...new Set(expenses.map((e) => String(e.cost_centre_code)))].sort();
  const weeklyCosts = weeks.flatMap((weekStart) => centres.map((costCentre) => {
    const group = expenses.filter((e) => e.cost_centre_code === costCentre && mondayOf(String(e.expense_date)) === weekStart);
    return { weekStart, costCentre, entries: group.length, totalCents: sum(group.map((e) => cents(e.amount))) };
  }));

  // payments per 14-day period, unknown orders apart
  const payments = [...latestBy(rowsOf(files, "payments"), (r) => String(r.payment_id)).values()];
  const periodOf = (paidAt: string) => {
    const days = Math.round((dayMs(paidAt.slice(0, 10)) - dayMs(BIWEEKLY_ANCHOR)) / DAY_MS);
    return iso(dayMs(BIWEEKLY_ANCHOR) + 14 * Math.floor(days / 14) * DAY_MS);
  };
  const biweekly: BiweeklyPayments[] = [...new Set(payments.map((p) => periodOf(String(p.paid_at))))].sort().map((periodStart) => {
    const group = payments.filter((p) => periodOf(String(p.paid_at)) === periodStart);
    const unmatched = group.filter((p) => !orders.has(String(p.order_id)));
    return { periodStart, payments: group.length, receivedCents: sum(group.map((p) => cents(p.amount))), unmatched: unmatched.length, unmatchedCents: sum(unmatched.map((p) => cents(p.amount))) };
  });

  // customer 360 and per customer and month: completed and cancelled orders, revenue, first and
  // last completed order, payments for the orders
  const paidByOrder = new Map<number, number>();
  for (const p of payments) paidByOrder.set(Number(p.order_id), (paidByOrder.get(Number(p.order_id)) ?? 0) + cents(p.amount));
  const figures = (group: typeof priced) => {
    const done = group.filter((o) => o.completed).map((o) => o.date).sort();
    return {
      orders: done.length,
      netCents: sum(group.filter((o) => o.completed).map((o) => o.net)),
      paidCents: sum(group.map((o) => paidByOrder.get(o.id) ?? 0)),
      first: done[0] ?? null,
      last: done[done.length - 1] ?? null,
    };
  };
  const customer360 = [...customers.keys()].sort((a, b) => a - b).map((customerId) => ({ customerId, ...figures(priced.filter((o) => o.customerId === customerId)) }));
  const pairs = new Map<string, typeof priced>();
  for (const o of priced) {
    const key = `${o.date.slice(0, 7)}-01|${String(o.customerId).padStart(9, "0")}`;
    pairs.set(key, [...(pairs.get(key) ?? []), o]);
  }
  const customerMonthly = [...pairs.keys()].sort().map((key) => {
    const group = pairs.get(key)!;
    const { orders: done, ...rest } = figures(group);
    return { month: key.split("|")[0], customerId: group[0].customerId, orders: done, cancelled: group.length - done, ...rest };
  });

  const yearly = [...groupSum(completed, (o) => o.date.slice(0, 4), (o) => o.net)].sort().map(([year, netCents]) => ({ year: Number(year), netCents }));

  return { customers: customers.size, orders: orders.size, lines: lines.size, daily, topClients, monthlyTax, anomalies, biweekly, customer360, customerMonthly, weeklyCosts, yearly,
    customerIdentity: [...customers].sort(([a], [b]) => a - b).map(([customerId, c]) => ({ customerId, ...c })) };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function groupSum<T>(items: T[], key: (t: T) => string, value: (t: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + value(item));
  return out;
}
