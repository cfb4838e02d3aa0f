// Sentinel secrets (a password in the URL, PGPASSWORD, AWS keys, a Slack webhook) configured for a
// run that fails an action, fails an assertion (so an alert is attempted while Slack is down) and
// fails to connect: no sentinel may appear in stdout, stderr, .strata/** or the docs output.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionFailureReason } from "../../src/warehouse/postgres-connection-error";
import { createDatabase, dropDatabase, pgAvailable, strata, tempDir, uniqueName, writeFiles, type CliResult, freePort } from "./helpers";

const hasPg = pgAvailable();
if (!hasPg) console.warn("secrets: PostgreSQL on 127.0.0.1:5432 is not reachable; the run part is skipped");

const PASSWORD = "SENTINEL-PW-123";
const AWS_SECRET = "SENTINELAWSsecret0123456789abcdefghijKLMN";
const AWS_KEY_ID = "AKIASENTINEL00000000";

function allFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? allFiles(p) : [p];
  });
}

describe.runIf(hasPg)("secrets never leave the process", () => {
  const db = uniqueName("h9sec");
  let dir = "";
  const outputs: { what: string; text: string }[] = [];
  let withSlack: CliResult;
  let withoutSlack: CliResult;

  beforeAll(async () => {
    await createDatabase(db);
    const closed = await freePort();
    dir = tempDir("strata-secrets-");
    writeFiles(dir, {
      "dataform.json": JSON.stringify({ warehouse: "postgres", defaultSchema: "sec_ods", assertionSchema: "sec_assertions" }),
      "targets.yaml": [
        "default: pg",
        "targets:",
        `  pg: { adapter: postgres, url: "postgres://postgres:${PASSWORD}@127.0.0.1:5432/${db}" }`,
        `  down: { adapter: postgres, url: "postgres://postgres:${PASSWORD}@127.0.0.1:${closed}/${db}" }`,
        "",
      ].join("\n"),
      "definitions/good.sqlx": 'config { type: "table", description: "ok" }\nselect 1 as id\n',
      "definitions/broken.sqlx": 'config { type: "table" }\nselect * from no_such_table_anywhere\n',
      "definitions/check.sqlx": 'config { type: "assertion" }\nselect * from ${ref("good")} where id = 1\n',
    });
    const env = {
      PGPASSWORD: PASSWORD,
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      AWS_ACCESS_KEY_ID: AWS_KEY_ID,
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${closed}/services/T000/B000/SENTINEL-HOOK`,
    };
    withSlack = await strata(["run", dir], { env });
    withoutSlack = await strata(["run", dir], { env: { ...env, SLACK_WEBHOOK_URL: "" } });
    const runs: [string, string[]][] = [
      ["run --json", ["run", dir, "--json"]],
      ["run --dry-run", ["run", dir, "--dry-run"]],
      ["compile --json", ["compile", dir, "--json"]],
      ["docs", ["docs", dir, "--out", path.join(dir, "docs-out")]],
      ["unreachable target", ["run", dir, "--target", "down"]],
    ];
    outputs.push({ what: "run stdout", text: withSlack.stdout }, { what: "run stderr", text: withSlack.stderr });
    for (const [what, args] of runs) {
      const r = await strata(args, { env });
      outputs.push({ what: `${what} stdout`, text: r.stdout }, { what: `${what} stderr (exit ${r.code})`, text: r.stderr });
    }
    for (const file of [...allFiles(path.join(dir, ".strata")), ...allFiles(path.join(dir, "docs-out"))]) {
      outputs.push({ what: path.relative(dir, file), text: fs.readFileSync(file, "latin1") });
    }
  }, 300_000);

  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabase(db);
  });

  it("produced the artifacts it greps (run results, docs)", () => {
    const names = outputs.map((o) => o.what);
    expect(names).toContain(".strata/run_results.json");
    expect(names.some((n) => n.startsWith("docs-out/"))).toBe(true);
    expect(outputs.find((o) => o.what.startsWith("unreachable target stderr"))!.what).toContain("exit 3");
  });

  it("no sentinel in stdout, stderr, .strata/** or docs", () => {
    const leaks = outputs.filter((o) => /SENTINEL|AKIASENTINEL/.test(o.text)).map((o) => `${o.what}: ${o.text.match(/.{0,60}SENTINEL.{0,20}/)?.[0]}`);
    expect(leaks).toEqual([]);
  });

  it("Slack being down does not change the run's exit code", () => {
    expect(withSlack.code).toBe(1); // broken.sqlx fails
    expect(withoutSlack.code).toBe(withSlack.code);
  });
});

describe("wrong password message (the local server trusts every login, so the mapping is unit-tested)", () => {
  it("names the failure in one line", () => {
    const place = { target: "pg", host: "127.0.0.1", port: 5432, connectTimeoutMs: 10_000 };
    const err = Object.assign(new Error('password authentication failed for user "app"'), { code: "28P01" });
    expect(connectionFailureReason(err, place)).toBe('password authentication failed for user "app"');
  });
});
