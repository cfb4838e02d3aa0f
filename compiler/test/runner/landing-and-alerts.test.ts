// `strata run` end to end on PGlite: it loads new landing files first, a quarantined file blocks the
// models downstream of its source, and Slack (a local HTTP server on 127.0.0.1) hears about
// quarantined files, failed assertions with sample rows and skipped models — without the webhook
// URL ever appearing in the output, and without Slack's state changing the exit code.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = path.resolve(__dirname, "../../../bin/strata.js");
const SECRET = "/services/T0SENTINEL/B0SENTINEL/hookSENTINEL";
let dir: string;
let slack: { url: string; received: unknown[]; close: () => Promise<void> };

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

function strata(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, CI: "true", ...env } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
}

async function fakeSlack() {
  const received: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SECRET}`;
  return { url, received, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-run-landing-"));
  slack = await fakeSlack();
  write("dataform.json", JSON.stringify({ warehouse: "postgres", defaultSchema: "shop", assertionSchema: "qa" }));
  write(
    "landing/orders/contract.yaml",
    "table: landing.orders\nformat: csv\nprimaryKey: [id]\ncolumns:\n  - {name: id, type: integer, required: true}\n  - {name: amount, type: numeric}\n",
  );
  write("landing/orders/orders_1.csv", "id,amount\n1,10.5\n2,-3\n");
  write(
    "definitions/orders_clean.sqlx",
    'config { type: "table", assertions: { rowConditions: ["amount >= 0"] } }\nselect id, amount from ${ref("orders")}\n',
  );
  write("definitions/order_totals.sqlx", 'config { type: "view", dependOnDependencyAssertions: true }\nselect sum(amount) as total from ${ref("orders_clean")}\n');
  write("definitions/order_count.sqlx", 'config { type: "view" }\nselect count(*) as n from ${ref("orders_clean")}\n');
});

afterAll(async () => {
  await slack.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("strata run with landing files and Slack", () => {
  it("loads landing files first, alerts on a failed assertion with sample rows and blocked models", async () => {
    const r = await strata(["run"], { SLACK_WEBHOOK_URL: slack.url });
    expect(r.out).toContain("loaded      landing/orders/orders_1.csv → landing.orders: 2 rows");
    expect(r.out).toContain("shop_orders_clean_assertions_rowConditions");
    expect(r.out).toMatch(/- shop\.order_totals .*skipped/);
    expect(r.out).toMatch(/✓ shop\.order_count/);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain("SENTINEL");
    expect(slack.received).toHaveLength(1);
    const payload = JSON.stringify(slack.received[0]);
    expect(payload).toContain("shop_orders_clean_assertions_rowConditions");
    expect(payload).toContain("1 failing row");
    expect(payload).toContain("Skipped downstream: `shop.order_totals`");
    expect(payload).not.toContain("SENTINEL");
  });

  it("quarantines a bad landing file, skips everything downstream and alerts once", async () => {
    slack.received.length = 0;
    write("landing/orders/orders_2.csv", "id,amount\n3,1\n4,abc\n");
    const r = await strata(["run"], { SLACK_WEBHOOK_URL: slack.url });
    expect(r.out).toContain('quarantined landing/orders/orders_2.csv: orders_2.csv row 2, column "amount": "abc" is not a numeric');
    expect(r.out).toMatch(/✗ landing\.orders .*quarantined/);
    expect(r.out).toMatch(/- shop\.orders_clean .*skipped \(dependency landing\.orders failed\)/);
    expect(r.code).toBe(1);
    const payloads = slack.received.map((p) => JSON.stringify(p));
    expect(payloads[0]).toContain("1 landing file quarantined");
    expect(payloads[0]).toContain('row 2, column \\"amount\\"');
    expect(payloads[1]).toContain("Strata run failed");
  });

  it("keeps the same exit code when Slack is down, and --no-alerts posts nothing", async () => {
    fs.rmSync(path.join(dir, "landing/orders/orders_2.csv"));
    await slack.close();
    const down = await strata(["run"], { SLACK_WEBHOOK_URL: slack.url });
    expect(down.code).toBe(1); // the assertion still fails
    expect(down.out).toContain("warning: Slack alert not delivered: connection refused");
    expect(down.out).not.toContain("SENTINEL");
    const silent = await strata(["run", "--no-alerts"], { SLACK_WEBHOOK_URL: slack.url });
    expect(silent.code).toBe(1);
    expect(silent.out).not.toContain("Slack");
  });
});
