#!/usr/bin/env node
// The deterministic generator behind the reference platform's landing files.
//
//   npm run generate -- [--scale N] [--days D] [--out DIR] [--seed S] [--day K]
//
// Everything is a pure function of (seed, scale, day): day K's files are the same whether they are
// generated in a full run or alone with `--day K`, which is how the incremental test gets "a new
// day" of files (`--days 42` writes days 1..42; `--day 43` writes only day 43's files).
// Scale 1 ≈ 1,000,000 order lines over the default 42 days; the committed sample in landing/ is
// exactly `npm run generate` (scale 0.001, 42 days).
//
// Realistic dirt, on purpose: orders re-sent in the next day's file (duplicates across files),
// orders dated one or two days before the file they arrive in (late-arriving), CRM customers
// exported again when they change, billing accounts linked to the CRM only by e-mail (with stray
// case and spaces), one payment for an order that does not exist, expenses exported from Excel
// (BOM, ";" delimiter, decimal comma, DD/MM/YYYY, CRLF) with a few outliers, and a change of
// Slovakia's VAT rate on 2025-01-01.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const START_DATE = Date.UTC(2024, 11, 1); // day 1 = 2024-12-01
const DAY_MS = 86_400_000;
const DEFAULTS = { scale: 0.001, days: 42, seed: 42, out: path.join(__dirname, "..", "..", "landing") };
/** Scale 1 ≈ 1M order lines over this many days, whatever --days says. */
const REFERENCE_DAYS = 42;
const AVERAGE_LINES_PER_ORDER = 2.5;
/** The business is closed these days: no orders are dated on them (zero days in the daily mart). */
const CLOSED_DAYS = new Set(["2024-12-25", "2025-01-01"]);
const UNKNOWN_ORDER_ID = 999_999_999;

const COUNTRIES = [
  // country, cities, legal suffix, VAT rate by month start ("YYYY-MM" → rate; the latest ≤ month applies)
  { code: "FR", cities: ["Paris", "Lyon", "Lille"], suffix: "SAS", vat: { "2024-01": "20.00" } },
  { code: "DE", cities: ["Berlin", "Hamburg", "Munich"], suffix: "GmbH", vat: { "2024-01": "19.00" } },
  { code: "ES", cities: ["Madrid", "Valencia"], suffix: "S.L.", vat: { "2024-01": "21.00" } },
  { code: "IT", cities: ["Milan", "Turin"], suffix: "S.r.l.", vat: { "2024-01": "22.00" } },
  { code: "NL", cities: ["Amsterdam", "Utrecht"], suffix: "B.V.", vat: { "2024-01": "21.00" } },
  { code: "SK", cities: ["Bratislava", "Kosice"], suffix: "s.r.o.", vat: { "2024-01": "20.00", "2025-01": "23.00" } },
];
const NAME_FIRST = ["Alpine", "Blue", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen", "Maple", "Nova", "Orbit", "Pioneer", "Quartz", "Riverside", "Summit", "Tidal"];
const NAME_SECOND = ["Logistics", "Foods", "Systems", "Studio", "Retail", "Labs", "Works", "Trading", "Health", "Energy", "Media", "Supply"];
const SEGMENTS = ["SMB", "SMB", "SMB", "Mid-Market", "Mid-Market", "Enterprise"];
const CHANNELS = ["web", "web", "phone", "partner"];
const PAYMENT_METHODS = ["card", "card", "transfer", "paypal"];
const PRODUCT_CATEGORIES = [
  { name: "Hardware", words: ["Router", "Switch", "Sensor", "Gateway", "Tablet"], price: [80, 900] },
  { name: "Software", words: ["Licence", "Suite", "Add-on", "Connector"], price: [20, 400] },
  { name: "Services", words: ["Installation", "Training", "Audit", "Support plan"], price: [150, 1200] },
  { name: "Supplies", words: ["Cable", "Adapter", "Battery", "Label pack"], price: [3, 60] },
];
const COST_CENTRES = [
  { code: "CC100", name: "Sales", base: 420 },
  { code: "CC200", name: "Marketing", base: 650 },
  { code: "CC300", name: "Operations", base: 300 },
  { code: "CC400", name: "IT", base: 540 },
  { code: "CC500", name: "Finance", base: 180 },
  { code: "CC600", name: "People", base: 260 },
];
const EXPENSE_CATEGORIES = [
  ["Travel", ["Train tickets", "Hotel; two nights", "Taxi; airport"]],
  ["Software", ["SaaS subscription", "Cloud hosting"]],
  ["Supplies", ["Office supplies", "Printer toner"]],
  ["Services", ["Consulting", "Legal advice", "Cleaning"]],
  ["Events", ["Trade fair stand", "Team lunch"]],
];

// ---------------------------------------------------------------------------------------------
// Seeded PRNG: mulberry32 over a string-hashed seed, one independent stream per (purpose, index).

function hashSeed(...parts) {
  let h = 2166136261;
  for (const ch of parts.join("|")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function rng(...parts) {
  let a = hashSeed(...parts);
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting

const pad = (n, w = 2) => String(n).padStart(w, "0");
function isoDate(day) {
  const d = new Date(START_DATE + (day - 1) * DAY_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
const europeanDate = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const timeOfDay = (r) => `${pad(r.int(8, 19))}:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}`;
/** Integer cents → "1234.50". */
const money = (cents) => `${Math.trunc(cents / 100)}.${pad(Math.abs(cents) % 100)}`;
/** Integer cents → Excel's "1.234,50". */
function excelMoney(cents) {
  const whole = String(Math.trunc(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${whole},${pad(cents % 100)}`;
}
function csvField(value, delimiter) {
  const text = value === null || value === undefined ? "" : String(value);
  return text.includes(delimiter) || text.includes('"') || text.includes("\n") ? `"${text.replace(/"/g, '""')}"` : text;
}
function csv(columns, rows, { delimiter = ",", eol = "\n", bom = false } = {}) {
  const lines = [columns.join(delimiter), ...rows.map((row) => columns.map((c) => csvField(row[c], delimiter)).join(delimiter))];
  return (bom ? "\uFEFF" : "") + lines.join(eol) + eol;
}

// ---------------------------------------------------------------------------------------------
// Sizes

function sizes(scale) {
  const linesPerDay = (1_000_000 * scale) / REFERENCE_DAYS;
  return {
    customers: Math.max(40, Math.round(60_000 * scale)),
    products: Math.max(20, Math.min(2_000, Math.round(20_000 * scale))),
    ordersPerDay: Math.max(1, Math.round(linesPerDay / AVERAGE_LINES_PER_ORDER)),
  };
}

// ---------------------------------------------------------------------------------------------
// Master data: customers (CRM + billing), products

function baseCustomer(seed, id) {
  const r = rng(seed, "customer", id);
  const country = r.pick(COUNTRIES);
  const name = `${r.pick(NAME_FIRST)} ${r.pick(NAME_SECOND)} ${id}`;
  return {
    customer_id: id,
    customer_name: name,
    email: `contact@${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example`,
    phone: `+${r.int(30, 49)} ${r.int(100, 999)} ${r.int(100000, 999999)}`,
    city: r.pick(country.cities),
    country: country.code,
    segment: r.pick(SEGMENTS),
    created_date: isoDate(1 - r.int(30, 900)),
    updated_at: `${isoDate(0)} ${timeOfDay(r)}`,
  };
}

/** CRM re-exports changed customers every week after day 1. */
const isCrmExportDay = (day) => day === 1 || (day > 1 && (day - 1) % 7 === 0);

/** The CRM state of every customer as exported on `day` (replaying the weekly changes before it). */
function crmCustomersAt(seed, scale, day) {
  const customers = [];
  for (let id = 1; id <= sizes(scale).customers; id++) customers.push(baseCustomer(seed, id));
  const changedOn = new Map();
  for (let d = 8; d <= day; d += 7) {
    const r = rng(seed, "crm-changes", d);
    for (const c of customers) {
      if (r.next() >= 0.08) continue;
      if (r.next() < 0.5) c.phone = `+${r.int(30, 49)} ${r.int(100, 999)} ${r.int(100000, 999999)}`;
      else c.segment = r.pick(SEGMENTS);
      c.updated_at = `${isoDate(d - 1)} ${timeOfDay(r)}`;
      changedOn.set(c.customer_id, d);
    }
  }
  return { customers, changedOn };
}

function crmExport(seed, scale, day) {
  const { customers, changedOn } = crmCustomersAt(seed, scale, day);
  if (day === 1) return customers;
  return customers.filter((c) => changedOn.get(c.customer_id) === day);
}

/** Billing exports all accounts on day 1 and again on day 22 (payment terms renegotiated). */
const isBillingExportDay = (day) => day === 1 || day === 22;

function billingExport(seed, scale, day) {
  const { customers } = crmCustomersAt(seed, scale, 1);
  const accounts = [];
  let accountNo = 0;
  for (const c of customers) {
    const r = rng(seed, "billing", c.customer_id);
    if (r.next() < 0.1) continue; // prospects: in the CRM, never billed
    accountNo++;
    const country = COUNTRIES.find((k) => k.code === c.country);
    const linkedById = r.next() >= 0.2; // the others match the CRM by e-mail only
    const messyEmail = !linkedById && r.next() < 0.5 ? `  ${c.email.toUpperCase()} ` : c.email;
    let terms = r.pick([15, 30, 30, 45, 60]);
    const t = rng(seed, "billing-terms", c.customer_id, day);
    if (day === 22 && t.next() < 0.2) terms = t.pick([30, 60, 90]);
    accounts.push({
      billing_account_id: `BA-${pad(accountNo, 5)}`,
      crm_customer_id: linkedById ? c.customer_id : null,
      legal_name: `${c.customer_name} ${country.suffix}`,
      email: messyEmail,
      vat_number: `${c.country}${r.int(10_000_000, 99_999_999)}`,
      country: c.country,
      payment_terms_days: terms,
      updated_at: `${isoDate(day - 1)} 23:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}`,
    });
  }
  // Accounts opened directly in billing (no CRM record): they become billing-only customers.
  for (let i = 1; i <= 3; i++) {
    const r = rng(seed, "billing-only", i);
    const country = r.pick(COUNTRIES);
    accountNo++;
    accounts.push({
      billing_account_id: `BA-${pad(accountNo, 5)}`,
      crm_customer_id: null,
      legal_name: `${r.pick(NAME_FIRST)} Direct ${i} ${country.suffix}`,
      email: `billing${i}@direct-${i}.example`,
      vat_number: `${country.code}${r.int(10_000_000, 99_999_999)}`,
      country: country.code,
      payment_terms_days: 30,
      updated_at: `${isoDate(day - 1)} 23:00:00`,
    });
  }
  return accounts;
}

function products(seed, scale) {
  const list = [];
  for (let id = 1; id <= sizes(scale).products; id++) {
    const r = rng(seed, "product", id);
    const category = PRODUCT_CATEGORIES[(id - 1) % PRODUCT_CATEGORIES.length];
    const priceCents = r.int(category.price[0] * 100, category.price[1] * 100);
    list.push({
      product_id: id,
      sku: `SKU-${pad(id, 5)}`,
      product_name: `${r.pick(category.words)} ${String.fromCharCode(65 + (id % 26))}${id}`,
      category: category.name,
      unit_price: money(priceCents),
      unit_cost: money(Math.round(priceCents * (0.35 + r.next() * 0.4))),
      active: r.next() < 0.95 ? "true" : "false",
      priceCents,
    });
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Orders, lines, payments

function vatRate(countryCode, isoDay) {
  const vat = COUNTRIES.find((c) => c.code === countryCode).vat;
  const month = isoDay.slice(0, 7);
  const applicable = Object.keys(vat).filter((m) => m <= month).sort();
  return vat[applicable[applicable.length - 1]];
}

/** The orders first sent in day `day`'s file (pure: re-sent duplicates are added by the caller). */
function newOrders(seed, scale, day, productList, customerCount) {
  if (day < 1 || CLOSED_DAYS.has(isoDate(day))) return [];
  const r = rng(seed, "orders", day);
  const { ordersPerDay } = sizes(scale);
  const count = Math.max(0, Math.round(ordersPerDay * (0.7 + r.next() * 0.6)));
  const orders = [];
  for (let seq = 1; seq <= count; seq++) {
    const late = r.next();
    let orderDay = late < 0.07 ? day - 1 : late < 0.1 ? day - 2 : day;
    if (orderDay < 1 || CLOSED_DAYS.has(isoDate(orderDay))) orderDay = day;
    // Skewed towards low ids so a few customers buy much more (a meaningful top ten).
    const customerId = 1 + Math.floor(customerCount * r.next() ** 2);
    const order = {
      order_id: day * 1_000_000 + seq,
      customer_id: customerId,
      order_date: isoDate(orderDay),
      channel: r.pick(CHANNELS),
      status: r.next() < 0.95 ? "completed" : "cancelled",
      lines: [],
      fileDay: day,
    };
    const lineCount = r.int(1, 4);
    for (let n = 1; n <= lineCount; n++) {
      const product = productList[Math.floor(r.next() * productList.length)];
      order.lines.push({
        order_id: order.order_id,
        line_number: n,
        product_id: product.product_id,
        quantity: r.int(1, 10),
        unit_price: product.unit_price,
        priceCents: product.priceCents,
        discount_pct: r.pick([0, 0, 0, 5, 10]),
      });
    }
    orders.push(order);
  }
  return orders;
}

/** Line net amount in cents: quantity × price × (1 − discount), rounded half up to the cent. */
const lineNetCents = (l) => Math.floor((l.quantity * l.priceCents * (100 - l.discount_pct) + 50) / 100);

/** Payments land every 14 days, covering payments made in the 14 days up to the file day. */
const isPaymentDay = (day) => day % 14 === 0;
const MAX_PAYMENT_LAG = 10;

/** The payment for `order`, if it is paid: { paidDay, row }. Pure in (seed, order). */
function paymentFor(seed, order, countryOf) {
  if (order.status !== "completed") return null;
  const r = rng(seed, "payment", order.order_id);
  if (r.next() >= 0.85) return null; // not paid yet
  const orderDay = Math.round((Date.parse(order.order_date) - START_DATE) / DAY_MS) + 1;
  // Never paid before the order reached the landing zone.
  const paidDay = Math.max(orderDay + r.int(0, MAX_PAYMENT_LAG), order.fileDay);
  const net = order.lines.reduce((sum, l) => sum + lineNetCents(l), 0);
  const rate = Number(vatRate(countryOf.get(order.customer_id), order.order_date));
  const tax = Math.floor((net * rate * 100 + 5000) / 10000);
  return {
    paidDay,
    row: {
      payment_id: order.order_id * 10 + 1,
      order_id: order.order_id,
      paid_at: `${isoDate(paidDay)} ${timeOfDay(r)}`,
      amount: Number(money(net + tax)),
      method: r.pick(PAYMENT_METHODS),
      currency: "EUR",
    },
  };
}

/** The payment file landing on `day` (a payment day): payments made in the 14 days up to it. */
const paymentFileDayOf = (paidDay) => Math.ceil(paidDay / 14) * 14;

function paymentFileRows(day, payments) {
  if (day === 14) {
    // A payment for an order no system knows about: the platform must flag it (warn), not fail.
    payments.push({ payment_id: UNKNOWN_ORDER_ID * 10 + 1, order_id: UNKNOWN_ORDER_ID, paid_at: `${isoDate(day)} 10:15:00`, amount: 149.9, method: "transfer", currency: "EUR" });
  }
  payments.sort((a, b) => (a.paid_at < b.paid_at ? -1 : a.paid_at > b.paid_at ? 1 : a.payment_id - b.payment_id));
  return payments;
}

/** Regenerates the orders that can be paid in the period ending on `day` (used by `--day`). */
function paymentFile(seed, scale, day, productList, countryOf) {
  const payments = [];
  for (let fileDay = day - 13 - MAX_PAYMENT_LAG - 2; fileDay <= day; fileDay++) {
    for (const order of newOrders(seed, scale, fileDay, productList, countryOf.size)) {
      const payment = paymentFor(seed, order, countryOf);
      if (payment && paymentFileDayOf(payment.paidDay) === day) payments.push(payment.row);
    }
  }
  return paymentFileRows(day, payments);
}

// ---------------------------------------------------------------------------------------------
// Expenses (weekly Excel export) and tax rates (monthly)

const isExpenseDay = (day) => day % 7 === 0;

function expenseFile(seed, day) {
  const rows = [];
  for (let d = day - 6; d <= day; d++) {
    for (const cc of COST_CENTRES) {
      const r = rng(seed, "expenses", d, cc.code);
      const entries = r.int(0, 2);
      for (let n = 1; n <= entries; n++) {
        const [category, descriptions] = r.pick(EXPENSE_CATEGORIES);
        let cents = Math.round(cc.base * 100 * (0.5 + r.next()));
        if (r.next() < 0.015) cents *= r.int(6, 10); // the outliers the anomaly mart must catch
        rows.push({
          expense_id: `EXP-${isoDate(d).replace(/-/g, "")}-${cc.code}-${n}`,
          expense_date: europeanDate(isoDate(d)),
          cost_centre_code: cc.code,
          cost_centre_name: cc.name,
          category,
          description: r.pick(descriptions),
          amount: excelMoney(cents),
        });
      }
    }
  }
  return rows;
}

const isTaxRateDay = (day) => isoDate(day).endsWith("-01");

function taxRateFile(day) {
  const month = isoDate(day);
  return COUNTRIES.map((c) => ({ country: c.code, valid_from: month, standard_rate: vatRate(c.code, month) }));
}

// ---------------------------------------------------------------------------------------------
// One day's files

const COLUMNS = {
  crm_customers: ["customer_id", "customer_name", "email", "phone", "city", "country", "segment", "created_date", "updated_at"],
  products: ["product_id", "sku", "product_name", "category", "unit_price", "unit_cost", "active"],
  sales_orders: ["order_id", "customer_id", "order_date", "channel", "status"],
  sales_order_lines: ["order_id", "line_number", "product_id", "quantity", "unit_price", "discount_pct"],
  expenses: ["expense_id", "expense_date", "cost_centre_code", "cost_centre_name", "category", "description", "amount"],
  tax_rates: ["country", "valid_from", "standard_rate"],
};

/**
 * The files landing on `day`: [{ source, name, content }]. A full run passes `state` between days
 * so each day's orders are generated once (the previous day's for re-sends, payments bucketed as
 * orders are made); `--day` regenerates what it needs. Both give the same bytes.
 */
function filesForDay(seed, scale, day, state) {
  const iso = isoDate(day);
  const productList = state?.productList ?? products(seed, scale);
  const countryOf = state?.countryOf ?? new Map(crmCustomersAt(seed, scale, 1).customers.map((c) => [c.customer_id, c.country]));
  const customerCount = countryOf.size;
  const files = [];
  const add = (source, name, content) => files.push({ source, name, content });

  if (isCrmExportDay(day)) add("crm_customers", `crm_customers_${iso}.csv`, csv(COLUMNS.crm_customers, crmExport(seed, scale, day)));
  if (isBillingExportDay(day)) {
    const accounts = billingExport(seed, scale, day);
    add("billing_customers", `billing_customers_${iso}.json`, `[\n${accounts.map((a) => "  " + JSON.stringify(a)).join(",\n")}\n]\n`);
  }
  if (day === 1) add("products", `products_${iso}.csv`, csv(COLUMNS.products, productList));
  if (isTaxRateDay(day)) add("tax_rates", `tax_rates_${iso.slice(0, 7)}.csv`, csv(COLUMNS.tax_rates, taxRateFile(day)));

  const todays = newOrders(seed, scale, day, productList, customerCount);
  const previous = state?.previousDay === day - 1 ? state.previousOrders : newOrders(seed, scale, day - 1, productList, customerCount);
  const orders = [...todays, ...previous.filter((o) => rng(seed, "resend", o.order_id).next() < 0.05)];
  add("sales_orders", `sales_orders_${iso}.csv`, csv(COLUMNS.sales_orders, orders));
  add("sales_order_lines", `sales_order_lines_${iso}.csv`, csv(COLUMNS.sales_order_lines, orders.flatMap((o) => o.lines)));

  if (state) {
    state.previousDay = day;
    state.previousOrders = todays;
    for (const order of todays) {
      const payment = paymentFor(seed, order, countryOf);
      if (!payment) continue;
      const fileDay = paymentFileDayOf(payment.paidDay);
      if (!state.payments.has(fileDay)) state.payments.set(fileDay, []);
      state.payments.get(fileDay).push(payment.row);
    }
  }
  if (isPaymentDay(day)) {
    const payments = state ? paymentFileRows(day, state.payments.get(day) ?? []) : paymentFile(seed, scale, day, productList, countryOf);
    if (state) state.payments.delete(day);
    add("payments", `payments_${iso}.ndjson`, payments.map((p) => JSON.stringify(p)).join("\n") + "\n");
  }
  if (isExpenseDay(day)) {
    // Excel's "CSV UTF-8 (semicolon)" export in a European locale.
    add("expenses", `expenses_${iso}.csv`, csv(COLUMNS.expenses, expenseFile(seed, day), { delimiter: ";", eol: "\r\n", bom: true }));
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const options = { ...DEFAULTS, day: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = () => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n <= 0) fail(`${flag} needs a positive number, got ${value ?? "nothing"}`);
      i++;
      return n;
    };
    switch (flag) {
      case "--scale": options.scale = number(); break;
      case "--days": options.days = Math.floor(number()); break;
      case "--day": options.day = Math.floor(number()); break;
      case "--seed": options.seed = Math.floor(number()); break;
      case "--out":
        if (!value) fail("--out needs a directory");
        options.out = path.resolve(value);
        i++;
        break;
      case "--help":
      case "-h":
        process.stdout.write("usage: npm run generate -- [--scale N] [--days D] [--out DIR] [--seed S] [--day K]\n");
        process.exit(0);
      default:
        fail(`unknown option ${flag} (expected --scale, --days, --out, --seed, --day)`);
    }
  }
  return options;
}

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/** Writes the files for days (or one day) into `out/<source>/`; returns { files, bytes }. */
function generate({ scale = DEFAULTS.scale, days = DEFAULTS.days, seed = DEFAULTS.seed, out = DEFAULTS.out, day } = {}) {
  const dayList = day !== undefined ? [day] : Array.from({ length: days }, (_, i) => i + 1);
  const contractsDir = DEFAULTS.out;
  // Days 1..N in order share state; a lone `--day` regenerates what it needs.
  const state = day === undefined
    ? { productList: products(seed, scale), countryOf: new Map(crmCustomersAt(seed, scale, 1).customers.map((c) => [c.customer_id, c.country])), payments: new Map() }
    : undefined;
  let count = 0;
  let bytes = 0;
  for (const d of dayList) {
    for (const file of filesForDay(seed, scale, d, state)) {
      const dir = path.join(out, file.source);
      fs.mkdirSync(dir, { recursive: true });
      // Outside landing/, bring the contract along so the folder is a loadable landing zone.
      const contract = path.join(contractsDir, file.source, "contract.yaml");
      const target = path.join(dir, "contract.yaml");
      if (path.resolve(dir) !== path.resolve(contractsDir, file.source) && fs.existsSync(contract) && !fs.existsSync(target)) fs.copyFileSync(contract, target);
      fs.writeFileSync(path.join(dir, file.name), file.content);
      count++;
      bytes += Buffer.byteLength(file.content);
    }
  }
  return { files: count, bytes };
}

module.exports = { generate, filesForDay, isoDate, sizes, UNKNOWN_ORDER_ID, CLOSED_DAYS };

if (require.main === module) {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const { files, bytes } = generate(options);
  const what = options.day !== undefined ? `day ${options.day} (${isoDate(options.day)})` : `${options.days} days`;
  process.stdout.write(`generated ${files} files (${(bytes / 1024).toFixed(1)} KiB) for ${what} at scale ${options.scale} into ${path.relative(process.cwd(), options.out) || "."} in ${Date.now() - started} ms\n`);
}
