import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { buildQuarantineAlert, buildRunAlert, formatTable, postAlert, resolveAlertSettings } from "../../src/alerts/slack";
import type { RunResults } from "../../src/runner/results";

const SECRET_PATH = "/services/T000SENTINEL/B000SENTINEL/xoxSENTINELsecret";

function results(overrides: Partial<RunResults> = {}): RunResults {
  return {
    runId: "r1",
    target: "local",
    adapter: "pglite",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:03.000Z",
    durationMs: 3000,
    status: "failed",
    exitCode: 1,
    totals: { success: 1, failed: 2, skipped: 1, warned: 1, cancelled: 0, disabled: 0 },
    actions: [
      { name: "ods.customer", target: { schema: "ods", name: "customer" }, type: "table", status: "success" },
      {
        name: "ods.payment",
        target: { schema: "ods", name: "payment" },
        type: "table",
        status: "failed",
        error: 'relation "staging.payments_x" does not exist',
      },
      {
        name: "assertions.order_has_customer",
        target: { schema: "assertions", name: "order_has_customer" },
        type: "assertion",
        status: "failed",
        assertion: { severity: "error", failingRows: 1234, sample: [{ order_id: 7, customer_id: null }, { order_id: 9, customer_id: 42 }] },
      },
      {
        name: "assertions.payments_known",
        target: { schema: "assertions", name: "payments_known" },
        type: "assertion",
        status: "warned",
        assertion: { severity: "warn", failingRows: 1, sample: [{ payment_id: "P-1" }] },
      },
      {
        name: "marts.biweekly_payments",
        target: { schema: "marts", name: "biweekly_payments" },
        type: "table",
        status: "skipped",
        skippedBecause: "dependency ods.payment failed",
        blockedBy: ["ods.payment"],
      },
    ],
    ...overrides,
  };
}

/** A stand-in for Slack on 127.0.0.1 that records what it receives. */
async function fakeSlack(mode: "ok" | "hang" | "500") {
  const received: { path: string; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(body) });
      if (mode === "hang") return; // never answers
      res.writeHead(mode === "ok" ? 200 : 500).end(mode === "ok" ? "ok" : "error");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SECRET_PATH}`;
  return { url, received, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe("Slack run alert", () => {
  it("says what failed, the failing counts, sample rows and skipped models", () => {
    const message = buildRunAlert(results(), { onSuccess: false })!;
    const text = JSON.stringify(message.blocks);
    expect(message.text).toContain('Strata run failed on target "local"');
    expect(text).toContain("ods.payment");
    expect(text).toContain('relation \\"staging.payments_x\\" does not exist');
    expect(text).toContain("1,234 failing rows");
    expect(text).toContain("(error)");
    expect(text).toContain("1 failing row");
    expect(text).toContain("(warn)");
    expect(text).toContain("Skipped downstream: `marts.biweekly_payments`");
    expect(text).toContain("order_id | customer_id");
    expect(text).toContain("7        | NULL");
  });

  it("sends nothing for a clean run unless success summaries are asked for", () => {
    const clean = results({
      status: "success",
      actions: [{ name: "ods.customer", target: { schema: "ods", name: "customer" }, type: "table", status: "success" }],
    });
    expect(buildRunAlert(clean, { onSuccess: false })).toBeUndefined();
    expect(buildRunAlert(clean, { onSuccess: true })?.text).toContain("succeeded");
  });

  it("formats sample rows as an aligned table", () => {
    expect(formatTable([{ a: 1, bb: "x" }, { a: 22, bb: null }])).toBe("a  | bb\n---+-----\n1  | x\n22 | NULL");
  });
});

describe("posting to Slack", () => {
  it("posts the payload to the webhook and never reveals the URL", async () => {
    const slack = await fakeSlack("ok");
    cleanup = slack.close;
    const settings = resolveAlertSettings({}, { SLACK_WEBHOOK_URL: slack.url }, true);
    const outcome = await postAlert(settings, buildRunAlert(results(), settings));
    expect(outcome).toEqual({ sent: true });
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0].path).toBe(SECRET_PATH);
    const body = JSON.stringify(slack.received[0].body);
    expect(body).toContain("1,234 failing rows");
    expect(body).not.toContain("SENTINEL");
  });

  it("turns a hanging Slack into a warning within the timeout", async () => {
    const slack = await fakeSlack("hang");
    cleanup = slack.close;
    const settings = { ...resolveAlertSettings({}, { SLACK_WEBHOOK_URL: slack.url }, true), timeoutMs: 300 };
    const started = Date.now();
    const outcome = await postAlert(settings, buildRunAlert(results(), settings));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome.sent).toBe(false);
    expect(outcome.warning).toBe("Slack alert not delivered: no answer within 300 ms");
  });

  it("turns a down Slack or an HTTP error into a one-line warning without the URL", async () => {
    const slack = await fakeSlack("500");
    cleanup = slack.close;
    const settings = resolveAlertSettings({}, { SLACK_WEBHOOK_URL: slack.url }, true);
    expect(await postAlert(settings, buildRunAlert(results(), settings))).toEqual({
      sent: false,
      warning: "Slack alert not delivered: Slack answered HTTP 500",
    });
    await slack.close();
    cleanup = undefined;
    const down = await postAlert(settings, buildRunAlert(results(), settings));
    expect(down.warning).toBe("Slack alert not delivered: connection refused");
    expect(down.warning).not.toContain("SENTINEL");
  });

  it("is silenced by --no-alerts and reads the URL from targets.yaml otherwise", () => {
    const fromTarget = resolveAlertSettings({ alerts: { slack: { webhookUrl: "http://127.0.0.1:9/x", onSuccess: true } } }, {}, true);
    expect(fromTarget.webhookUrl).toBe("http://127.0.0.1:9/x");
    expect(fromTarget.onSuccess).toBe(true);
    expect(resolveAlertSettings({}, { SLACK_WEBHOOK_URL: "http://127.0.0.1:9/y" }, false).webhookUrl).toBeUndefined();
  });

  it("alerts on quarantined landing files", () => {
    const msg = buildQuarantineAlert([{ source: "orders", path: "landing/orders/bad.csv", reason: 'row 3, column "amount": "x" is not a numeric' }]);
    expect(msg?.text).toContain("1 landing file quarantined");
    expect(JSON.stringify(msg?.blocks)).toContain("row 3, column");
  });
});
