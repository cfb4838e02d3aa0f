// The embedded warehouse: statements, sessions that never interleave, transactions, COPY in
// chunks, and the data directory lock that keeps a second process out.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/errors";
import { createWarehouse } from "../../src/warehouse";
import { lockFileFor } from "../../src/warehouse/directory-lock";
import { PgliteWarehouse, pgliteOptionsFromTarget } from "../../src/warehouse/pglite";
import { PostgresWarehouse } from "../../src/warehouse/postgres";
import type { Warehouse } from "../../src/warehouse/warehouse";
import { CancelledError, WarehouseError } from "../../src/warehouse/warehouse-error";
import { freePort, open } from "./connections";
import { createDependents, dropDependents, expectDependentsRead, uniqueName } from "./dependents-scenario";

async function* lines(count: number, csv = false): AsyncGenerator<string> {
  if (csv) yield "id,label\n";
  for (let i = 1; i <= count; i++) yield csv ? `${i},"line\nbreak ${i}"\n` : `${i}\tlabel ${i}\n`;
}

describe("createWarehouse for pglite targets", () => {
  it("resolves the data directory against the project, defaulting to .strata/warehouse", () => {
    const target = (config: Record<string, unknown>) => ({ name: "local", adapter: "pglite" as const, dialect: "postgres" as const, config: { adapter: "pglite" as const, ...config } });
    const wh = createWarehouse(target({}), { projectDir: "/proj" });
    expect(wh).toBeInstanceOf(PgliteWarehouse);
    expect((wh as PgliteWarehouse).displayName).toBe(".strata/warehouse");
    expect(pgliteOptionsFromTarget({ path: "data/wh" }, "/proj")).toMatchObject({ dataDir: "/proj/data/wh", displayName: "data/wh" });
    expect(pgliteOptionsFromTarget({ path: ":memory:" }, "/proj")).toEqual({ displayName: "memory://" });
    expect(pgliteOptionsFromTarget({ path: "memory://" }, "/proj").dataDir).toBeUndefined();
  });
});

// One in-memory PGlite for the whole file, used both embedded and over the wire: each PGlite
// start costs a second or two of WASM start-up.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(() => db?.close());

describe("PgliteWarehouse in memory", () => {
  let wh: PgliteWarehouse;
  beforeAll(async () => {
    wh = new PgliteWarehouse({ copyChunkBytes: 64, instance: db });
    await wh.connect();
  });
  afterAll(() => wh.close());

  it("runs statements and returns rows, field types and row counts", async () => {
    expect(wh.adapter).toBe("pglite");
    expect(wh.maxConcurrency).toBe(1);
    await wh.execute("create schema wh_mem; create table wh_mem.t (id int, name text)");
    const inserted = await wh.execute("insert into wh_mem.t values (1, 'a'), (2, 'b')");
    expect(inserted.rowCount).toBe(2);
    const r = await wh.execute("select count(*) as n, max(name) as m from wh_mem.t");
    expect(r.rows).toEqual([{ n: 2, m: "b" }]);
    expect(r.fields).toEqual([{ name: "n", type: "int8" }, { name: "m", type: "text" }]);
    const p = await wh.execute("select name from wh_mem.t where id = $1", { params: [2] });
    expect(p.rows).toEqual([{ name: "b" }]);
  });

  it("throws SQL errors with the PostgreSQL message, SQLSTATE and position", async () => {
    const err = await wh.execute("select * from wh_mem.missing").catch((e) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect(err.message).toBe('relation "wh_mem.missing" does not exist');
    expect(err.code).toBe("42P01");
    expect(err.position).toBe(15);
    expect(err.exitCode).toBe(ExitCode.actionFailed);
  });

  it("never interleaves the statements of two sessions", async () => {
    await wh.execute("create table wh_mem.log (who text, step int)");
    const session = (who: string) =>
      wh.withSession(async (s) => {
        for (let step = 1; step <= 3; step++) {
          await s.execute(`insert into wh_mem.log values ('${who}', ${step})`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
    await Promise.all([session("a"), session("b"), wh.execute("insert into wh_mem.log values ('c', 1)")]);
    const { rows } = await wh.execute("select who from wh_mem.log order by ctid");
    expect(rows.map((r) => r.who).join("")).toBe("aaabbbc");
  });

  it("commits a transaction, and rolls it back when the callback throws", async () => {
    await wh.transaction((s) => s.execute("create table wh_mem.tx (id int)"));
    const err = await wh
      .transaction(async (s) => {
        await s.execute("insert into wh_mem.tx values (1)");
        await s.execute("select 1/0");
      })
      .catch((e) => e);
    expect(err.code).toBe("22012");
    expect((await wh.execute("select count(*) as n from wh_mem.tx")).rows[0].n).toBe(0);
    // A call on the warehouse from inside a session runs in that session instead of deadlocking.
    await wh.transaction(async () => {
      await wh.execute("insert into wh_mem.tx values (2)");
    });
    expect((await wh.execute("select count(*) as n from wh_mem.tx")).rows[0].n).toBe(1);
  });

  it("cancels a caller still waiting for the connection when its signal aborts", async () => {
    const controller = new AbortController();
    let releaseFirst!: () => void;
    const first = wh.withSession(() => new Promise<void>((resolve) => (releaseFirst = resolve)));
    const second = wh.execute("select 1", { signal: controller.signal }).catch((e) => e);
    controller.abort();
    const err = await second;
    releaseFirst();
    await first;
    expect(err).toBeInstanceOf(CancelledError);
    expect((await wh.execute("select 2 as x")).rows).toEqual([{ x: 2 }]);
  });

  it("copies text and CSV (with quoted newlines and a header) in several chunks, inside a transaction", async () => {
    await wh.execute("create table wh_mem.c (id int, label text)");
    const textRows = await wh.transaction((s) => s.copyFrom!("copy wh_mem.c from stdin", lines(50)));
    expect(textRows).toBe(50);
    const csvRows = await wh.transaction((s) =>
      s.copyFrom!("COPY wh_mem.c (id, label) FROM STDIN WITH (FORMAT csv, HEADER true)", lines(40, true)),
    );
    expect(csvRows).toBe(40);
    const r = await wh.execute("select count(*) as n, sum(id) as s, max(label) filter (where id = 7 and label like 'line%') as l from wh_mem.c");
    expect(r.rows[0]).toEqual({ n: 90, s: (50 * 51) / 2 + (40 * 41) / 2, l: "line\nbreak 7" });
  });

  it("reads relations, grants, indexes and recursive dependents", async () => {
    const schema = uniqueName("wh_deps");
    const reader = uniqueName("wh_reader");
    await createDependents(wh, schema, reader);
    try {
      await expectDependentsRead(wh, schema, reader);
    } finally {
      await dropDependents(wh, schema, reader);
    }
  });
});

describe("PostgresWarehouse on PGlite over the wire (pglite-socket)", () => {
  let server: PGLiteSocketServer;
  let wh: Warehouse;
  beforeAll(async () => {
    const port = await freePort();
    server = new PGLiteSocketServer({ db, port, host: "127.0.0.1" });
    await server.start();
    wh = open({ url: `postgres://postgres:pw@127.0.0.1:${port}/postgres`, poolSize: 1 });
    await wh.connect();
  });
  afterAll(async () => {
    await wh?.close();
    await server?.stop();
  });

  // PGlite does not speak COPY FROM STDIN over the wire (the session loses protocol sync), so
  // COPY through pglite-socket is not tested; the PGlite driver loads through /dev/blob instead.
  it("runs statements and readState through the pg driver", async () => {
    expect(wh).toBeInstanceOf(PostgresWarehouse);
    await wh.execute("create table sock_people (id int, name text); insert into sock_people select i, 'name ' || i from generate_series(1, 1000) i");
    const r = await wh.execute("select count(*) as n from sock_people where name like $1", { params: ["name 1%"] });
    expect(r.rows).toEqual([{ n: 112 }]);
    const schema = uniqueName("wh_sock");
    const reader = uniqueName("wh_reader");
    await createDependents(wh, schema, reader);
    try {
      await expectDependentsRead(wh, schema, reader);
    } finally {
      await dropDependents(wh, schema, reader);
    }
  });
});

describe("PgliteWarehouse on disk", () => {
  let dir: string;
  let childScript: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-wh-pglite-"));
    // A second process that tries to open the same warehouse (bundled, so plain node runs it).
    const entry = path.join(dir, "open.ts");
    fs.writeFileSync(
      entry,
      `import { PgliteWarehouse } from ${JSON.stringify(path.resolve(__dirname, "../../src/warehouse/pglite"))};
       const wh = new PgliteWarehouse({ dataDir: process.argv[2], displayName: ".strata/warehouse" });
       wh.connect().then(() => wh.close()).then(() => console.log("opened"), (e) => { console.error(e.message); process.exit(e.exitCode ?? 1); });`,
    );
    childScript = path.join(dir, "open.js");
    buildSync({ entryPoints: [entry], outfile: childScript, bundle: true, platform: "node", packages: "external", logLevel: "silent" });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("persists data, and keeps a second process out with a one-line error", async () => {
    const dataDir = path.join(dir, "warehouse");
    const wh = new PgliteWarehouse({ dataDir, displayName: ".strata/warehouse" });
    await wh.connect();
    await wh.execute("create table kept (id int); insert into kept values (42)");
    const release = await wh.acquireRunLock({ wait: false });
    await expect(wh.acquireRunLock({ wait: false })).rejects.toThrow("another run is already using the embedded warehouse");
    await release();

    await expect(new PgliteWarehouse({ dataDir, displayName: ".strata/warehouse" }).connect()).rejects.toThrow(
      "the embedded warehouse at .strata/warehouse is already open in this process",
    );
    const child = spawnSync(process.execPath, [childScript, dataDir], { encoding: "utf8", cwd: path.resolve(__dirname, "../../..") });
    expect(child.stderr.trim()).toBe(`the embedded warehouse at .strata/warehouse is in use by another strata process (pid ${process.pid})`);
    expect(child.status).toBe(ExitCode.invalid);
    await wh.close();
    expect(fs.existsSync(lockFileFor(dataDir))).toBe(false);

    // The database lives in the directory (reopening it would cost another PGlite start-up).
    expect(fs.readFileSync(path.join(dataDir, "PG_VERSION"), "utf8").trim()).toBe("18");
  });

  it("takes over a lock left by a process that died, and waits for a live one when asked", async () => {
    const dataDir = path.join(dir, "stale");
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    fs.writeFileSync(lockFileFor(dataDir), JSON.stringify({ pid: dead, host: os.hostname(), startedAt: "2020-01-01T00:00:00Z" }));
    const { acquireDirectoryLock } = await import("../../src/warehouse/directory-lock");
    const release = await acquireDirectoryLock(dataDir, { displayName: "stale" });
    expect(JSON.parse(fs.readFileSync(lockFileFor(dataDir), "utf8")).pid).toBe(process.pid);
    release();

    // A live holder (a sleeping child): waiting gives up after the timeout with the same message.
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"]);
    try {
      fs.writeFileSync(lockFileFor(dataDir), JSON.stringify({ pid: sleeper.pid, host: os.hostname(), startedAt: "" }));
      const started = Date.now();
      await expect(acquireDirectoryLock(dataDir, { displayName: "stale", wait: true, timeoutMs: 300, pollMs: 50 })).rejects.toThrow(
        `the embedded warehouse at stale is in use by another strata process (pid ${sleeper.pid})`,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      // ... and gets it as soon as the holder lets go.
      setTimeout(() => fs.rmSync(lockFileFor(dataDir)), 100);
      const later = await acquireDirectoryLock(dataDir, { displayName: "stale", wait: true, timeoutMs: 5000, pollMs: 20 });
      later();
    } finally {
      sleeper.kill();
    }
  });
});
