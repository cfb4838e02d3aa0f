// `strata load` as a user runs it (embedded PGlite target): one line per file, the summary, --json,
// and the exit codes 0 (all loaded), 1 (quarantined or changed), 2 (bad contract or flag).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli, runCli } from "./cli-bundle";
import { ordersCsv, ORDER_COLUMNS } from "./landing-project";

describe("strata load", () => {
  let bundle: string;
  let dir: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };

  beforeAll(() => {
    bundle = bundleCli();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-load-cli-project-"));
    write("landing/orders/contract.yaml", `table: landing.orders\nprimaryKey: [id]\n${ORDER_COLUMNS}`);
    // In memory: no data directory to initialise.
    write("targets.yaml", "default: mem\ntargets:\n  mem: { adapter: pglite, path: ':memory:' }\n  lake: { adapter: athena, region: eu-west-1 }\n");
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  });

  // One run on PGlite (each costs seconds of WASM start-up); --json is checked on PostgreSQL.
  it("loads good files and quarantines a bad one (exit 1), one line per file and a summary", () => {
    write("landing/orders/orders_2024-01-02.csv", ordersCsv(2));
    write("landing/orders/orders_2024-01-03.csv", ordersCsv(3, '3,x,"12,x",03/01/2024,y,2024-01-03 10:00:00'));
    const first = runCli(bundle, ["load", dir]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(1);
    const lines = first.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^loaded +landing\/orders\/orders_2024-01-02\.csv → landing\.orders: 2 rows, [\d.]+ MB in [\d.]+ s$/);
    expect(lines[1]).toBe('quarantined landing/orders/orders_2024-01-03.csv: orders_2024-01-03.csv row 3, column "amount": "12,x" is not a numeric');
    expect(lines[2]).toMatch(/^Files: 1 loaded \(2 rows, [\d.]+ MB\), 0 unchanged, 1 quarantined in [\d.]+ s\.$/);

  });

  it("exits 2 with file:line for a bad contract, an unknown source or flag, an Athena target, before touching the warehouse", () => {
    write("landing/events/contract.yaml", "table: landing.events\ncolumns:\n  - {name: id, type: int}\n");
    const bad = runCli(bundle, ["load", dir, "--source", "orders"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: landing/events/contract.yaml:3:22: column "id" has unknown type "int" (did you mean "integer"?); types: text, integer, bigint, numeric, boolean, date, timestamp\n');
    fs.rmSync(path.join(dir, "landing/events"), { recursive: true });

    const unknown = runCli(bundle, ["load", dir, "--source", "order"]);
    expect(unknown).toMatchObject({ code: 2, stderr: 'error: unknown landing source "order" (did you mean "orders"?); sources: orders\n' });
    expect(runCli(bundle, ["load", dir, "--sauce", "orders"]).code).toBe(2);
    const athena = runCli(bundle, ["load", dir, "--target", "lake"]);
    expect(athena.code).toBe(2);
    expect(athena.stderr).toMatch(/: strata load needs a PostgreSQL or PGlite target: target "lake" is Athena, which has no COPY\n$/);
  });
});
