// The embedded warehouse: PostgreSQL 18 compiled to WASM (PGlite), persisted in a directory.
//
// What PGlite cannot do, and what Strata does about it:
// - One connection only: every session and transaction is serialised through one FIFO mutex, so
//   two callers' statements never interleave (maxConcurrency is 1).
// - No cross-process lock: connect() takes a lock file next to the data directory.
// - No statement_timeout and no cancel: a statement runs synchronously inside WASM and cannot be
//   interrupted. `timeoutMs` and `signal` bound the wait for the connection; a signal that fires
//   while a statement runs makes the call throw "cancelled" once that statement has finished.
import path from "node:path";
import type { PGlite, Results } from "@electric-sql/pglite";
import { AsyncLocalStorage } from "node:async_hooks";
import { ConnectionError, StrataError } from "../errors";
import { redact } from "../redact";
import type { Target } from "../graph/types";
import { abortableSleep } from "./abortable-sleep";
import { chunkCopyData, copyFormatOf } from "./copy-chunks";
import { acquireDirectoryLock } from "./directory-lock";
import { Mutex } from "./mutex";
import { typeName } from "./pg-types";
import { readState } from "./postgres-introspector";
import { CancelledError, toWarehouseError, WarehouseError } from "./warehouse-error";
import type { ExecuteOptions, QueryResult, Session, Warehouse, WarehouseState } from "./warehouse";

export interface PgliteWarehouseOptions {
  /** Absolute data directory, or undefined for an in-memory database (tests). */
  dataDir?: string;
  /** How the directory is named in messages, e.g. ".strata/warehouse". */
  displayName?: string;
  /** When another process holds the directory: wait for it (default: fail at once). */
  waitForLock?: boolean;
  lockTimeoutMs?: number;
  /** COPY input is loaded in chunks of about this many bytes (default 16 MB). */
  copyChunkBytes?: number;
  /** An already-open PGlite to use instead of opening one (embedding, tests); close() leaves it open. */
  instance?: PGlite;
}

const DEFAULT_COPY_CHUNK_BYTES = 16 * 1024 * 1024;

export class PgliteWarehouse implements Warehouse {
  readonly adapter = "pglite";
  readonly dialect = "postgres" as const;
  readonly maxConcurrency = 1;

  private db?: PGlite;
  private opening?: Promise<void>;
  private releaseDirectory?: () => void;
  private readonly mutex = new Mutex();
  /** Marks async work already inside withSession/transaction, so nested calls don't deadlock. */
  private readonly holding = new AsyncLocalStorage<boolean>();
  private runLockHeld = false;
  private readonly session: Session = {
    execute: (sql, options) => this.run(sql, options),
    copyFrom: (copySql, data) => this.copy(copySql, data),
  };

  constructor(private readonly options: PgliteWarehouseOptions = {}) {}

  get displayName(): string {
    return this.options.displayName ?? this.options.dataDir ?? "memory://";
  }

  connect(): Promise<void> {
    // Two callers racing to connect share one attempt (a second would find its own lock taken).
    this.opening ??= this.open().catch((err) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  private async open(): Promise<void> {
    if (this.options.instance) {
      this.db = this.options.instance;
      return;
    }
    const { dataDir } = this.options;
    if (dataDir) {
      this.releaseDirectory = await acquireDirectoryLock(dataDir, {
        displayName: this.displayName,
        wait: this.options.waitForLock,
        timeoutMs: this.options.lockTimeoutMs,
      });
    }
    try {
      // Loaded here, not at the top, so `strata compile` never pays for the WASM module.
      const { PGlite: PGliteClass } = require("@electric-sql/pglite") as typeof import("@electric-sql/pglite");
      this.db = await PGliteClass.create(dataDir);
    } catch (err) {
      this.releaseDirectory?.();
      this.releaseDirectory = undefined;
      const reason = redact(String((err as Error)?.message ?? err).split("\n")[0]);
      throw new ConnectionError(`cannot open the embedded warehouse at ${this.displayName}: ${reason}`);
    }
  }

  execute(sql: string, options?: ExecuteOptions): Promise<QueryResult> {
    return this.exclusive(() => this.run(sql, options), options);
  }

  copyFrom(copySql: string, data: AsyncIterable<string | Uint8Array>): Promise<number> {
    return this.exclusive(() => this.copy(copySql, data));
  }

  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.exclusive(() => fn(this.session));
  }

  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.run("begin");
      let result: T;
      try {
        result = await fn(this.session);
      } catch (err) {
        await this.run("rollback").catch(() => undefined);
        throw err;
      }
      await this.run("commit");
      return result;
    });
  }

  readState(targets: Target[]): Promise<WarehouseState> {
    return this.withSession((session) => readState(session, targets));
  }

  /**
   * The directory lock taken by connect() already keeps other processes out; this only keeps two
   * runs in this process apart.
   */
  async acquireRunLock(options: { wait: boolean; timeoutMs?: number }): Promise<() => Promise<void>> {
    const deadline = Date.now() + (options.timeoutMs ?? Infinity);
    while (this.runLockHeld) {
      if (!options.wait || Date.now() >= deadline) {
        throw new StrataError(`another run is already using the embedded warehouse at ${this.displayName}`);
      }
      await abortableSleep(100);
    }
    this.runLockHeld = true;
    let released = false;
    return async () => {
      if (!released) this.runLockHeld = false;
      released = true;
    };
  }

  async close(): Promise<void> {
    await this.opening?.catch(() => undefined);
    const db = this.db;
    this.db = undefined;
    this.opening = undefined;
    try {
      if (db && db !== this.options.instance) await this.mutex.run(() => db.close());
    } finally {
      this.releaseDirectory?.();
      this.releaseDirectory = undefined;
    }
  }

  /** Runs `fn` holding the connection, unless this async context already holds it. */
  private exclusive<T>(fn: () => Promise<T>, wait: ExecuteOptions = {}): Promise<T> {
    if (this.holding.getStore()) return fn();
    return this.mutex.run(() => this.holding.run(true, fn), { signal: wait.signal, timeoutMs: wait.timeoutMs });
  }

  private get connection(): PGlite {
    if (!this.db) throw new StrataError(`the embedded warehouse at ${this.displayName} is not open (call connect() first)`);
    return this.db;
  }

  private async run(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    if (options.signal?.aborted) throw new CancelledError();
    let results: Results[];
    try {
      results = options.params
        ? [await this.connection.query(sql, options.params)]
        : await this.connection.exec(sql);
    } catch (err) {
      throw toWarehouseError(err);
    }
    // The statement could not be interrupted; report the cancellation now that it is over.
    if (options.signal?.aborted) throw new CancelledError();
    return toQueryResult(results[results.length - 1]);
  }

  private async copy(copySql: string, data: AsyncIterable<string | Uint8Array>): Promise<number> {
    if (!/\bfrom\s+stdin\b/i.test(copySql)) {
      throw new WarehouseError(`copyFrom needs a "COPY … FROM STDIN" statement, got: ${copySql.slice(0, 80)}`);
    }
    const blobSql = copySql.replace(/\bfrom\s+stdin\b/i, "from '/dev/blob'");
    let format;
    try {
      format = copyFormatOf(copySql);
    } catch (err) {
      throw new WarehouseError((err as Error).message);
    }
    let rows = 0;
    for await (const chunk of chunkCopyData(data, format, this.options.copyChunkBytes ?? DEFAULT_COPY_CHUNK_BYTES)) {
      try {
        const result = await this.connection.query(blobSql, [], { blob: new Blob([chunk as Uint8Array<ArrayBuffer>]) });
        rows += result.affectedRows ?? result.rowCount ?? 0;
      } catch (err) {
        throw toWarehouseError(err);
      }
    }
    return rows;
  }
}

function toQueryResult(result: Results | undefined): QueryResult {
  if (!result) return { rows: [], fields: [] };
  return {
    rows: result.rows as Record<string, unknown>[],
    fields: result.fields.map((f) => ({ name: f.name, type: typeName(f.dataTypeID) })),
    rowCount: result.rowCount ?? result.affectedRows,
  };
}

/** `path` from targets.yaml: ":memory:" / "memory://" mean in-memory; otherwise relative to the project. */
export function pgliteOptionsFromTarget(config: Record<string, unknown>, projectDir: string): PgliteWarehouseOptions {
  const configured = config.path === undefined ? ".strata/warehouse" : String(config.path);
  if (configured === ":memory:" || configured.startsWith("memory://")) return { displayName: "memory://" };
  return {
    dataDir: path.resolve(projectDir, configured),
    displayName: configured,
    waitForLock: config.waitForLock === true,
    lockTimeoutMs: typeof config.lockTimeoutMs === "number" ? config.lockTimeoutMs : undefined,
  };
}
