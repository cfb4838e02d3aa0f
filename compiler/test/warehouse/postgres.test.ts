// The pg driver against the real PostgreSQL server on 127.0.0.1:5432 (skipped with a message when
// it is not running). pglite.test.ts runs it against PGlite served over the wire by pglite-socket.
import { spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConnectionError, ExitCode, StrataError } from "../../src/errors";
import { resolveTarget } from "../../src/project/targets";
import { CancelledError, WarehouseError } from "../../src/warehouse/warehouse-error";
import { freePort, open } from "./connections";
import { createDependents, dropDependents, expectDependentsRead, uniqueName } from "./dependents-scenario";

const SERVER = { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" };

/** Whether the server accepts TCP connections (synchronous, so describe.skipIf can use it). */
function serverIsUp(): boolean {
  const probe = `require("net").connect(${SERVER.port}, "${SERVER.host}").on("connect", () => process.exit(0)).on("error", () => process.exit(1))`;
  return spawnSync(process.execPath, ["-e", probe], { timeout: 3000 }).status === 0;
}

async function* numbered(count: number): AsyncGenerator<string> {
  for (let i = 1; i <= count; i++) yield `${i}\tname ${i}\n`;
}

const up = serverIsUp();
if (!up) console.warn("PostgreSQL on 127.0.0.1:5432 is not reachable: skipping the real-server tests of the pg driver");

describe.skipIf(!up)("PostgresWarehouse on PostgreSQL 15 (127.0.0.1:5432)", () => {
  const wh = open({ ...SERVER, poolSize: 3 });
  // A pool of one: the search_path check after readState then sees the connection it used.
  const single = open({ ...SERVER, poolSize: 1 });
  const schema = uniqueName("wh_pg");
  beforeAll(async () => {
    await wh.connect();
    await single.connect();
    await wh.execute(`create schema ${schema}`);
  });
  afterAll(async () => {
    await wh.execute(`drop schema if exists ${schema} cascade`);
    await wh.close();
    await single.close();
  });

  it("sizes the pool from the target, and returns rows, types and SQL errors", async () => {
    expect(wh.adapter).toBe("postgres");
    expect(wh.maxConcurrency).toBe(3);
    const r = await wh.execute("select count(*) as n, 1.50::numeric(4,2) as x, current_setting('application_name') as app from generate_series(1, 5)");
    expect(r.rows).toEqual([{ n: 5, x: "1.50", app: "strata" }]);
    expect(r.fields.map((f) => f.type)).toEqual(["int8", "numeric", "text"]);
    const err = await wh.execute(`select * from ${schema}.missing`).catch((e) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect(err).toMatchObject({ code: "42P01", position: 15, message: `relation "${schema}.missing" does not exist` });
  });

  it("starts every session with the target's settings", async () => {
    const tuned = open({ ...SERVER, poolSize: 2, settings: { jit: "off", work_mem: "7MB", search_path: "pg_catalog, public" } });
    try {
      await tuned.connect();
      const results = await Promise.all([1, 2].map(() => tuned.execute("select current_setting('jit') as jit, current_setting('work_mem') as mem, current_setting('search_path') as path, pg_sleep(0.05)")));
      for (const r of results) expect(r.rows[0]).toMatchObject({ jit: "off", mem: "7MB", path: "pg_catalog, public" });
      const bad = open({ ...SERVER, settings: { no_such_parameter: "1" } });
      const err = await bad.connect().catch((e) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err.message).toContain('unrecognized configuration parameter "no_such_parameter"');
      await bad.close();
    } finally {
      await tuned.close();
    }
  });

  it("accepts the reference platform's aurora settings, which are in effect in every session", async () => {
    // targets.yaml ships them untested otherwise: a misspelt parameter would fail every scheduled run.
    // Read as `--target aurora` reads them, then pointed at the local server (no SSL here).
    vi.stubEnv("DATABASE_URL", `postgres://${SERVER.user}@${SERVER.host}:${SERVER.port}/${SERVER.database}`);
    let config;
    try {
      ({ config } = resolveTarget(path.resolve(__dirname, "../../.."), "aurora"));
    } finally {
      vi.unstubAllEnvs(); // even when targets.yaml fails to resolve, so later tests see the real env
    }
    const settings = config.settings as Record<string, unknown>;
    expect(Object.keys(settings)).toEqual(expect.arrayContaining(["jit", "max_parallel_workers_per_gather"]));
    const aurora = open({ ...config, ssl: "disable" });
    try {
      await aurora.connect();
      for (const [name, value] of Object.entries(settings)) {
        const r = await aurora.execute(`select current_setting('${name}') as value`);
        expect(r.rows[0].value, name).toBe(String(value));
      }
    } finally {
      await aurora.close();
    }
  });

  it("cancels a running statement when its signal aborts, with pg_cancel_backend", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const err = await wh.execute("select pg_sleep(10)", { signal: controller.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.message).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(3000);
    // The pool's connections are all still good.
    const results = await Promise.all([1, 2, 3, 4].map((i) => wh.execute(`select ${i} as i`)));
    expect(results.map((r) => r.rows[0].i)).toEqual([1, 2, 3, 4]);
  });

  it("enforces timeoutMs per statement and statementTimeoutMs per target", async () => {
    const started = Date.now();
    const err = await wh.execute("select pg_sleep(10)", { timeoutMs: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.message).toBe("canceling statement: it ran longer than 200 ms");
    expect(Date.now() - started).toBeLessThan(3000);

    const limited = open({ ...SERVER, statementTimeoutMs: 150 });
    await limited.connect();
    try {
      const e2 = await limited.execute("select pg_sleep(10)").catch((e) => e);
      expect(e2).toMatchObject({ code: "57014", message: "canceling statement due to statement timeout" });
    } finally {
      await limited.close();
    }
  });

  it("rolls back a failed transaction and streams COPY into a table", async () => {
    await wh.execute(`create table ${schema}.people (id int primary key, name text)`);
    const copied = await wh.transaction((s) => s.copyFrom!(`copy ${schema}.people from stdin`, numbered(20_000)));
    expect(copied).toBe(20_000);
    const err = await wh
      .transaction(async (s) => {
        await s.execute(`delete from ${schema}.people where id > 10`);
        await s.copyFrom!(`copy ${schema}.people from stdin`, numbered(2)); // ids 1 and 2 are taken
      })
      .catch((e) => e);
    expect(err).toMatchObject({ code: "23505" });
    const r = await wh.execute(`select count(*) as n, sum(id) as s from ${schema}.people`);
    expect(r.rows[0]).toEqual({ n: 20_000, s: (20_000 * 20_001) / 2 });
  });

  it("reads relations, grants, indexes and recursive dependents", async () => {
    const deps = uniqueName("wh_pgdeps");
    const reader = uniqueName("wh_reader");
    await wh.withSession((s) => createDependents(s, deps, reader));
    try {
      await expectDependentsRead(single, deps, reader);
    } finally {
      await wh.withSession((s) => dropDependents(s, deps, reader));
    }
  });

  it("holds one run lock per database; a second run fails fast or waits", async () => {
    // A database of its own: other tests' runs on "test" must never meet this lock.
    const database = uniqueName("wh_lock");
    await wh.execute(`create database ${database}`);
    const first = open({ ...SERVER, database });
    const other = open({ ...SERVER, database });
    await first.connect();
    await other.connect();
    try {
      const release = await first.acquireRunLock({ wait: false });
      const err = await other.acquireRunLock({ wait: false }).catch((e) => e);
      expect(err).toBeInstanceOf(StrataError);
      expect(err.message).toMatch(/^another strata run holds the lock on postgres target "pg" \(backend pid \d+/);
      const waited = other.acquireRunLock({ wait: true, timeoutMs: 10_000 });
      setTimeout(() => void release(), 300);
      const releaseOther = await waited;
      await releaseOther();
    } finally {
      await first.close();
      await other.close();
      await wh.execute(`drop database if exists ${database} with (force)`);
    }
  });

  it("fails to connect with exit code 3, a specific one-line message and no password", async () => {
    await expectConnectionErrors([
      [{ url: "postgres://postgres:Sup3rSecret!@127.0.0.1:5432/no_such_db_h2" }, `cannot connect to postgres target "pg" at 127.0.0.1:5432: database "no_such_db_h2" does not exist`],
      [{ ...SERVER, user: "no_such_role_h2", password: "Sup3rSecret!" }, `cannot connect to postgres target "pg" at 127.0.0.1:5432: role "no_such_role_h2" does not exist`],
      [{ ...SERVER, ssl: "require" }, `cannot connect to postgres target "pg" at 127.0.0.1:5432: the server does not support SSL (set ssl: disable in targets.yaml)`],
    ]);
  });
});

async function expectConnectionErrors(cases: [Record<string, unknown>, string][]): Promise<void> {
  for (const [config, message] of cases) {
    const started = Date.now();
    const err = await open({ connectTimeoutMs: 3000, ...config }).connect().catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.exitCode).toBe(ExitCode.unreachable);
    expect(err.message).toBe(message);
    expect(err.message).not.toContain("Sup3rSecret");
    expect(Date.now() - started).toBeLessThan(4000);
  }
}

describe("PostgresWarehouse connection failures without a server", () => {
  it("reports a refused port, an unknown host and a server that never answers, in bounded time", async () => {
    const port = await freePort();
    // Accepts the TCP connection and then says nothing, like a firewall that black-holes traffic.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as net.AddressInfo).port;
    try {
      await expectConnectionErrors([
        [{ url: `postgres://app:Sup3rSecret!@127.0.0.1:${port}/dw` }, `cannot connect to postgres target "pg" at 127.0.0.1:${port}: connection refused (is the server running and listening on that port?)`],
        [{ host: "no-such-host.invalid", password: "Sup3rSecret!" }, `cannot connect to postgres target "pg" at no-such-host.invalid:5432: host "no-such-host.invalid" not found`],
        [{ host: "127.0.0.1", port: silentPort, connectTimeoutMs: 300 }, `cannot connect to postgres target "pg" at 127.0.0.1:${silentPort}: no answer within 300 ms`],
      ]);
    } finally {
      silent.close();
    }
  });
});
