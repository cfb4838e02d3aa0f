// "The server restarted mid-run", without touching the shared PostgreSQL server: PGlite served over
// the wire by pglite-socket; the socket server is stopped while `strata run` is working and started
// again. The run must retry or fail cleanly (one line per error, no stack trace), leave no partial
// table, and the next run must complete.
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strataChild, strata, tempDir, writeFiles, freePort } from "./helpers";

const TABLES = 8;

describe("server restarted mid-run (PGlite over pglite-socket)", () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  let port = 0;
  let dir = "";

  const startServer = async () => {
    server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 8 });
    await server.start();
  };

  beforeAll(async () => {
    db = await PGlite.create();
    port = await freePort();
    await startServer();
    dir = tempDir("strata-restart-");
    const files: Record<string, string> = {
      "dataform.json": JSON.stringify({ warehouse: "postgres", defaultSchema: "restart", assertionSchema: "restart_a" }),
      "targets.yaml": `default: pg\ntargets:\n  pg: { adapter: postgres, url: "postgres://postgres@127.0.0.1:${port}/postgres", connectTimeoutMs: 3000 }\n`,
    };
    for (let i = 1; i <= TABLES; i++) {
      const from = i === 1 ? "generate_series(1, 20000) g" : `\${ref("t${i - 1}")} p`;
      files[`definitions/t${i}.sqlx`] = `config { type: "table" }\nselect ${i === 1 ? "g" : "p.g"} as g, md5(${i === 1 ? "g" : "p.g"}::text) as h from ${from}\n`;
    }
    writeFiles(dir, files);
  }, 60_000);

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function tableRows(): Promise<(number | null)[]> {
    const out: (number | null)[] = [];
    for (let i = 1; i <= TABLES; i++) {
      const exists = await db.query(`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'restart' and c.relname = 't${i}'`);
      out.push(exists.rows.length ? Number((await db.query<{ n: number }>(`select count(*)::int as n from restart.t${i}`)).rows[0].n) : null);
    }
    return out;
  }

  it("retries or fails cleanly, leaves no partial table, and the next run completes", async () => {
    const { done } = strataChild(["run", dir, "--concurrency", "1"]);
    // Stop the server once the run is under way (its first table exists), then start it again.
    for (let i = 0; i < 300; i++) {
      const r = await db.query(`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'restart' and c.relname like 't%'`);
      if (r.rows.length) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    await server.stop();
    await new Promise((res) => setTimeout(res, 500));
    await startServer();
    const first = await done;
    expect(first.stderr).not.toMatch(/^\s+at /m);
    expect([0, 1, 3]).toContain(first.code);
    for (const line of first.stderr.trim().split("\n").filter(Boolean)) expect(line).toMatch(/^(error|warning|SIG)|cannot connect|connection/i);
    for (const rows of await tableRows()) if (rows !== null) expect(rows).toBe(20000);

    const second = await strata(["run", dir, "--concurrency", "1"]);
    expect(second.code, second.stderr).toBe(0);
    expect(await tableRows()).toEqual(Array(TABLES).fill(20000));
    const temps = await db.query(`select relname from pg_class where relname like '%__strata%'`);
    expect(temps.rows).toEqual([]);
  }, 180_000);
});
