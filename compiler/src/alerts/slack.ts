// Slack alerts through an incoming webhook (@slack/webhook). Building the message is pure; posting
// it is bounded by a timeout and can never change a run's result: any failure becomes a warning.
// The webhook URL is a secret: it is registered for redaction and never printed.
import type { IncomingWebhookSendArguments } from "@slack/webhook";
import { redact, registerSecret } from "../redact";
import type { ActionResult, RunResults } from "../runner/results";
import { redactStrings } from "../runner/write-results";

export interface AlertSettings {
  webhookUrl?: string;
  /** Post a summary when everything succeeded too (default: only on failures and warnings). */
  onSuccess: boolean;
  timeoutMs: number;
}

export interface AlertOutcome {
  sent: boolean;
  /** Why nothing was sent, or the one-line warning when posting failed. */
  warning?: string;
}

type Blocks = NonNullable<IncomingWebhookSendArguments["blocks"]>;

const DEFAULT_TIMEOUT_MS = 5_000;
/** Slack rejects section texts over 3,000 characters and messages over 50 blocks. */
const MAX_TEXT = 2_900;
const MAX_BLOCKS = 48;

/**
 * Alert settings: `SLACK_WEBHOOK_URL` wins over the target's `alerts.slack.webhookUrl` in
 * targets.yaml; `--no-alerts` (enabled=false) silences everything.
 */
export function resolveAlertSettings(
  targetConfig: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  enabled: boolean,
): AlertSettings {
  const slack = ((targetConfig.alerts as Record<string, unknown> | undefined)?.slack ?? {}) as Record<string, unknown>;
  const webhookUrl = enabled ? env.SLACK_WEBHOOK_URL || (slack.webhookUrl as string | undefined) : undefined;
  registerSecret(webhookUrl);
  const timeout = Number(env.STRATA_ALERT_TIMEOUT_MS ?? slack.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return {
    webhookUrl,
    onSuccess: slack.onSuccess === true,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS,
  };
}

/** The Block Kit message for a finished run, or undefined when there is nothing to say. */
export function buildRunAlert(results: RunResults, settings: Pick<AlertSettings, "onSuccess">): IncomingWebhookSendArguments | undefined {
  const failed = results.actions.filter((a) => a.status === "failed");
  const warned = results.actions.filter((a) => a.status === "warned");
  if (failed.length === 0 && warned.length === 0 && !settings.onSuccess) return undefined;

  const headline =
    failed.length > 0
      ? `:x: Strata run failed on target "${results.target}"`
      : warned.length > 0
        ? `:warning: Strata run finished with warnings on target "${results.target}"`
        : `:white_check_mark: Strata run succeeded on target "${results.target}"`;
  const t = results.totals;
  const counts = `${t.success} succeeded · ${t.failed} failed · ${t.warned} warned · ${t.skipped} skipped · ${(results.durationMs / 1000).toFixed(1)}s · run ${results.runId}`;

  const blocks: Blocks = [
    { type: "header", text: { type: "plain_text", text: headline.replace(/:[a-z_]+: /, ""), emoji: true } },
    { type: "context", elements: [{ type: "mrkdwn", text: counts }] },
  ];
  for (const action of [...failed, ...warned]) {
    blocks.push({ type: "divider" });
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(describeAction(action, results.actions)) } });
  }
  if (blocks.length > MAX_BLOCKS) {
    const dropped = blocks.length - MAX_BLOCKS + 1;
    blocks.splice(MAX_BLOCKS - 1);
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `…and ${dropped} more blocks; see run_results.json` }] });
  }
  return { text: redact(`${headline}: ${counts}`), blocks: redactStrings(blocks) };
}

/** The message for landing files that were quarantined by `strata load`. */
export function buildQuarantineAlert(files: { source: string; path: string; reason: string }[]): IncomingWebhookSendArguments | undefined {
  if (files.length === 0) return undefined;
  const lines = files.map((f) => `• *${f.source}* \`${f.path}\`: ${f.reason}`);
  const text = `:no_entry: ${files.length} landing file${files.length === 1 ? "" : "s"} quarantined (not loaded)`;
  return {
    text: redact(text),
    blocks: [
      { type: "header", text: { type: "plain_text", text: text.replace(/:[a-z_]+: /, ""), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: redact(truncate(lines.join("\n"))) } },
    ],
  };
}

/** Posts the message; never throws. Slack down or slow (past the timeout) is a warning. */
export async function postAlert(settings: AlertSettings, message: IncomingWebhookSendArguments | undefined): Promise<AlertOutcome> {
  if (!message) return { sent: false };
  if (!settings.webhookUrl) return { sent: false, warning: "no Slack webhook configured (set SLACK_WEBHOOK_URL)" };
  try {
    const { IncomingWebhook } = await import("@slack/webhook");
    const webhook = new IncomingWebhook(settings.webhookUrl, { timeout: settings.timeoutMs });
    await webhook.send(message);
    return { sent: true };
  } catch (err) {
    const reason = isTimeout(err) ? `no answer within ${settings.timeoutMs} ms` : describeError(err);
    return { sent: false, warning: redact(`Slack alert not delivered: ${reason}`) };
  }
}

function describeAction(action: ActionResult, all: ActionResult[]): string {
  const name = `${action.target.schema}.${action.target.name}`;
  const lines: string[] = [];
  if (action.assertion) {
    const icon = action.assertion.severity === "error" ? ":x:" : ":warning:";
    lines.push(`${icon} *Assertion \`${name}\`* (${action.assertion.severity}): ${formatCount(action.assertion.failingRows)} failing row${action.assertion.failingRows === 1 ? "" : "s"}`);
    if (action.assertion.sample.length > 0) lines.push("```" + formatTable(action.assertion.sample) + "```");
  } else {
    lines.push(`:x: *${action.type} \`${name}\` failed*`);
    if (action.error) lines.push("```" + action.error + "```");
  }
  const skipped = all.filter((a) => a.status === "skipped" && a.blockedBy?.includes(name)).map((a) => `\`${a.target.schema}.${a.target.name}\``);
  if (skipped.length > 0) lines.push(`Skipped downstream: ${skipped.join(", ")}`);
  return lines.join("\n");
}

/** Sample rows as a fixed-width text table (Slack has no table block). */
export function formatTable(rows: Record<string, unknown>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "NULL" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
    return s.length > 30 ? `${s.slice(0, 29)}…` : s;
  };
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join(" | ").trimEnd();
  return [line(columns), widths.map((w) => "-".repeat(w)).join("-+-"), ...cells.map(line)].join("\n");
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

function truncate(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; original?: { name?: string } };
  return e.name === "TimeoutError" || e.original?.name === "TimeoutError" || /aborted due to timeout/.test(String((err as Error).message));
}

function describeError(err: unknown): string {
  const e = err as { statusCode?: number; original?: { message?: string; cause?: { code?: string } }; message?: string };
  if (e.statusCode) return `Slack answered HTTP ${e.statusCode}`;
  const code = e.original?.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  return (e.original?.message ?? e.message ?? String(err)).split("\n")[0];
}

/**
 * Everything a finished run has to say on Slack: newly quarantined landing files, then the run
 * (failures and warnings; clean runs only with onSuccess). Returns warning lines to print.
 */
export async function notifyRun(
  settings: AlertSettings,
  results: RunResults,
  quarantined: { source: string; path: string; reason: string }[],
): Promise<string[]> {
  const warnings: string[] = [];
  for (const message of [buildQuarantineAlert(quarantined), buildRunAlert(results, settings)]) {
    if (!message || !settings.webhookUrl) continue;
    const outcome = await postAlert(settings, message);
    if (outcome.warning) warnings.push(`warning: ${outcome.warning}`);
  }
  return warnings;
}
