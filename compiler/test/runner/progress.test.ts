// Run results (totals, status, exit code) and the lines progress prints, in every mode.
import { describe, expect, it } from "vitest";
import { registerSecret } from "../../src/redact";
import { createReporter, formatResultLine, formatSummary } from "../../src/runner/progress";
import { results } from "./sample-results";

describe("run results", () => {
  it("totals statuses and fails the run when anything failed", () => {
    expect(results.totals).toEqual({ success: 1, failed: 2, skipped: 1, warned: 0, cancelled: 0, disabled: 0 });
    expect(results.status).toBe("failed");
    expect(results.exitCode).toBe(1);
  });
});

describe("progress", () => {
  it("prints one plain line per finished action", () => {
    const [ok, assertion, failed, skipped] = results.actions;
    expect(formatResultLine(ok)).toBe("✓ staging.orders  table  1.2s  1,234 rows");
    expect(formatResultLine(assertion)).toBe("✗ staging.orders_assertions_nonNull  assertion  0.02s  error: 3 failing rows");
    expect(formatResultLine(failed)).toBe(`✗ marts.sales  view  0.01s  error: relation "x" does not exist`);
    expect(formatResultLine(skipped)).toBe("- marts.top  table  skipped (dependency marts.sales failed)");
  });

  it("summarises counts, failures and failing assertions", () => {
    const summary = formatSummary(results);
    expect(summary).toMatch(/^Run failed in \d+\.\d+s: 1 success, 2 failed, 1 skipped/);
    expect(summary).toContain(`  marts.sales: relation "x" does not exist`);
    expect(summary).toContain("  staging.orders_assertions_nonNull (error): 3 failing rows");
  });

  it("emits NDJSON events in --json mode, redacted", () => {
    registerSecret("hunter2-secret");
    let text = "";
    const reporter = createReporter("json", { write: (s: string) => (text += s) });
    reporter.notice("password is hunter2-secret");
    reporter.actionFinished(results.actions[0]);
    reporter.runFinished(results);
    const events = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(["notice", "action_finished", "run_finished"]);
    expect(events[0].message).toBe("password is ***");
    expect(events[2].totals.failed).toBe(2);
    expect(text).not.toContain("hunter2-secret");
  });
});
