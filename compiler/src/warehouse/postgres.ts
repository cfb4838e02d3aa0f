// PostgreSQL and Aurora PostgreSQL through `pg`: a pool sized from the project's concurrency,
// statement timeouts, cancellation with pg_cancel_backend from a second connection, COPY streamed
// with backpressure, and an advisory lock for one run at a time per database.
import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ConnectionOptions } from "node:tls";
import type { Client, ClientConfig, Pool, PoolClient, QueryResult as PgQueryResult } from "pg";
import { StrataError, UserError } from "../errors";
import type { Target } from "../graph/types";
import type { ResolvedTarget } from "../project/targets";
import { registerSecret } from "../redact";
import { abortableSleep } from "./abortable-sleep";
import type { CreateWarehouseOptions } from "./index";
import { parseInt8, typeName } from "./pg-types";
import { connectionError, type ConnectionPlace } from "./postgres-connection-error";
import { readState } from "./postgres-introspector";
import { CancelledError, isTransientError, toWarehouseError } from "./warehouse-error";
import type { ExecuteOptions, QueryResult, Session, Warehouse, WarehouseState } from "./warehouse";

export interface PostgresWarehouseOptions {
  /** The target's name, for messages. */
  targetName: string;
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  ssl: false | ConnectionOptions;
  poolSize: number;
  statementTimeoutMs?: number;
  connectTimeoutMs: number;
  applicationName: string;
  /** Server parameters for every session (targets.yaml `settings`), e.g. { jit: "off" }. */
  settings?: Record<string, string>;
}

const DEFAULT_POOL_SIZE = 4;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/**
 * One run at a time per target: the advisory lock's key is the database plus the project's scope
 * (its schemas), so two projects sharing a database — or two test suites with their own schemas —
 * never wait for each other, while two runs of the same project do. `$1` is the scope.
 */
const RUN_LOCK_KEY = "hashtext('strata:' || current_database() || ':' || $1::text)";

type PgModule = typeof import("pg");

export class PostgresWarehouse implements Warehouse {
  readonly adapter = "postgres";
  readonly dialect = "postgres" as const;
  readonly maxConcurrency: number;
  private pool?: Pool;
  private readonly pg: PgModule;

  constructor(private readonly options: PostgresWarehouseOptions) {
    this.maxConcurrency = options.poolSize;
    // Loaded here so that commands which never connect never load pg.
    this.pg = require("pg") as PgModule;
  }

  private get place(): ConnectionPlace {
    const { targetName, host, port, user, database, connectTimeoutMs } = this.options;
    return { target: targetName, host, port, user, database, connectTimeoutMs };
  }

  private clientConfig(): ClientConfig {
    const o = this.options;
    const builtin = this.pg.types;
    return {
      host: o.host,
      port: o.port,
      user: o.user,
      password: o.password,
      database: o.database,
      ssl: o.ssl,
      application_name: o.applicationName,
      statement_timeout: o.statementTimeoutMs,
      connectionTimeoutMillis: o.connectTimeoutMs,
      // Sent in the startup packet (like libpq's PGOPTIONS), so every pooled session has them
      // from its first statement and no `set` can be lost to a reconnect.
      options: o.settings ? startupOptions(o.settings) : undefined,
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          oid === 20 && format !== "binary" ? parseInt8 : builtin.getTypeParser(oid, format as "text")) as typeof builtin.getTypeParser,
      },
    };
  }

  async connect(): Promise<void> {
    if (this.pool) return;
    const pool = new this.pg.Pool({ ...this.clientConfig(), max: this.options.poolSize, idleTimeoutMillis: 30_000 });
    // An idle client whose server went away emits 'error' on the pool; the next checkout reconnects.
    pool.on("error", () => undefined);
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw connectionError(err, this.place);
    }
    this.pool = pool;
  }

  async execute(sql: string, options?: ExecuteOptions): Promise<QueryResult> {
    return this.withClient((client) => this.run(client, sql, options));
  }

  async copyFrom(copySql: string, data: AsyncIterable<string | Uint8Array>): Promise<number> {
    return this.withClient((client) => this.copy(client, copySql, data));
  }

  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.withClient((client) => fn(this.sessionOn(client)));
  }

  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      const session = this.sessionOn(client);
      await this.run(client, "begin");
      let result: T;
      try {
        result = await fn(session);
      } catch (err) {
        await this.run(client, "rollback").catch(() => undefined);
        throw err;
      }
      await this.run(client, "commit");
      return result;
    });
  }

  readState(targets: Target[]): Promise<WarehouseState> {
    return this.withSession((session) => readState(session, targets));
  }

  /**
   * One run per database: a session-level advisory lock held on a connection of its own (outside
   * the pool) until release, so that the run's own queries never contend with it.
   */
  async acquireRunLock(options: { wait: boolean; timeoutMs?: number; scope?: string }): Promise<() => Promise<void>> {
    const scope = [options.scope ?? ""];
    const client = await this.openClient();
    try {
      const deadline = Date.now() + (options.timeoutMs ?? Infinity);
      for (;;) {
        const { rows } = await client.query(`select pg_try_advisory_lock(${RUN_LOCK_KEY}) as locked`, scope);
        if (rows[0].locked) break;
        if (!options.wait || Date.now() >= deadline) throw new StrataError(await this.describeLockHolder(client, scope));
        await abortableSleep(Math.min(500, Math.max(1, deadline - Date.now())));
      }
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err instanceof StrataError ? err : toWarehouseError(err);
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      // Ending the session releases a session-level advisory lock even if the unlock fails.
      await client.query(`select pg_advisory_unlock(${RUN_LOCK_KEY})`, scope).catch(() => undefined);
      await client.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private async describeLockHolder(client: Client, scope: string[]): Promise<string> {
    const base = `another strata run holds the lock on postgres target "${this.options.targetName}"`;
    try {
      const { rows } = await client.query(`
        select a.pid, host(a.client_addr) as addr, a.backend_start
          from pg_locks l join pg_stat_activity a on a.pid = l.pid
         where l.locktype = 'advisory' and l.granted and l.objsubid = 1
           and ((l.classid::int8 << 32) | l.objid::int8) = (${RUN_LOCK_KEY})::int8
         limit 1`, scope);
      const holder = rows[0];
      if (!holder) return base;
      const from = holder.addr ? ` from ${holder.addr}` : "";
      return `${base} (backend pid ${holder.pid}${from}, connected ${new Date(holder.backend_start).toISOString()})`;
    } catch {
      return base;
    }
  }

  private async withClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    if (!this.pool) throw new StrataError(`postgres target "${this.options.targetName}" is not connected (call connect() first)`);
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toWarehouseError(err);
    }
    // A connection that breaks while checked out emits 'error' on the client; the pool listens
    // only while it is idle, and the failed query rejects anyway, so don't let it crash the process.
    const ignore = () => undefined;
    client.on("error", ignore);
    let broken = false;
    try {
      return await fn(client);
    } catch (err) {
      // A connection that failed mid-way is discarded rather than handed to the next caller.
      broken = isTransientError(err) && !(err instanceof CancelledError);
      throw err;
    } finally {
      client.removeListener("error", ignore);
      client.release(broken);
    }
  }

  private sessionOn(client: PoolClient): Session {
    return {
      execute: (sql, options) => this.run(client, sql, options),
      copyFrom: (copySql, data) => this.copy(client, copySql, data),
    };
  }

  private async run(client: PoolClient, sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) throw new CancelledError();
    let cancelling: Promise<void> | undefined;
    let reason: CancelledError | undefined;
    const cancel = (why: CancelledError) => {
      if (cancelling) return;
      reason = why;
      cancelling = this.cancelBackend(client).catch(() => {
        // Could not reach the server to cancel: drop the connection, which ends the query too.
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      });
    };
    const onAbort = () => cancel(new CancelledError());
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => cancel(new CancelledError(`canceling statement: it ran longer than ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const result = options.params
        ? await client.query(sql, options.params as unknown[])
        : await client.query(sql);
      if (reason) throw reason;
      return toQueryResult(result as PgQueryResult | PgQueryResult[]);
    } catch (err) {
      if (reason) throw reason;
      throw toWarehouseError(err);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      // Never hand the connection back while a cancel for it is still in flight: it would hit
      // whatever the next caller runs on it.
      await cancelling;
    }
  }

  /** pg_cancel_backend from a fresh connection: the pool may be full, and this one is busy. */
  private async cancelBackend(client: PoolClient): Promise<void> {
    const pid = (client as unknown as { processID?: number }).processID;
    if (!pid) throw new Error("unknown backend pid");
    const canceller = await this.openClient();
    try {
      await canceller.query("select pg_cancel_backend($1)", [pid]);
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  private async openClient(): Promise<Client> {
    const client = new this.pg.Client(this.clientConfig());
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw connectionError(err, this.place);
    }
    return client;
  }

  private async copy(client: PoolClient, copySql: string, data: AsyncIterable<string | Uint8Array>): Promise<number> {
    const { from } = require("pg-copy-streams") as typeof import("pg-copy-streams");
    const sink = client.query(from(copySql));
    try {
      // pipeline waits for the sink to drain before pulling the next piece: backpressure.
      await pipeline(Readable.from(data, { objectMode: false }), sink);
    } catch (err) {
      throw toWarehouseError(err);
    }
    return sink.rowCount ?? 0;
  }
}

function toQueryResult(result: PgQueryResult | PgQueryResult[]): QueryResult {
  // A multi-statement string returns one result per statement; the last one is the answer.
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  if (!last) return { rows: [], fields: [] };
  return {
    rows: last.rows,
    fields: (last.fields ?? []).map((f) => ({ name: f.name, type: typeName(f.dataTypeID) })),
    rowCount: last.rowCount ?? undefined,
  };
}

/**
 * targets.yaml settings → driver options. `url` (postgres://user:pass@host:port/db?sslmode=…) or
 * host/port/user/password/database; settings given separately override the URL's.
 */
export function postgresOptionsFromTarget(target: ResolvedTarget, options: Pick<CreateWarehouseOptions, "concurrency" | "statementTimeoutMs">): PostgresWarehouseOptions {
  const c = target.config as Record<string, unknown>;
  const place = { file: target.file };
  const fromUrl = parseUrl(c.url ?? c.connectionString, target.name, place);
  const str = (key: string) => (c[key] === undefined || c[key] === null ? undefined : String(c[key]));
  const num = (key: string): number | undefined => {
    if (c[key] === undefined || c[key] === null) return undefined;
    const n = Number(c[key]);
    if (!Number.isFinite(n) || n < 0) throw new UserError(`target "${target.name}": ${key} must be a non-negative number, got "${String(c[key])}"`, place);
    return n;
  };
  const password = str("password") ?? fromUrl.password;
  registerSecret(password);
  const host = str("host") ?? fromUrl.host ?? "localhost";
  const poolSize = Math.max(1, Math.trunc(num("poolSize") ?? options.concurrency ?? DEFAULT_POOL_SIZE));
  return {
    targetName: target.name,
    host,
    port: num("port") ?? fromUrl.port ?? 5432,
    user: str("user") ?? fromUrl.user,
    password,
    database: str("database") ?? fromUrl.database,
    ssl: sslOptions(c.ssl ?? fromUrl.sslmode, str("sslRootCert"), target.name, place),
    poolSize,
    statementTimeoutMs: options.statementTimeoutMs ?? num("statementTimeoutMs"),
    connectTimeoutMs: num("connectTimeoutMs") ?? DEFAULT_CONNECT_TIMEOUT_MS,
    applicationName: str("applicationName") ?? "strata",
    settings: serverSettings(c.settings, target.name, place),
  };
}

/**
 * `settings: { jit: off, work_mem: 256MB }` → validated name → value pairs. Names are PostgreSQL
 * parameter names (letters, digits, `_`, and `.` for extensions' parameters); values scalars.
 */
function serverSettings(value: unknown, targetName: string, place: { file?: string }): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new UserError(`target "${targetName}": settings must be a map of PostgreSQL parameters, e.g. settings: { jit: "off" }`, place);
  }
  const settings: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) {
      throw new UserError(`target "${targetName}": settings: "${name}" is not a PostgreSQL parameter name`, place);
    }
    if (!["string", "number", "boolean"].includes(typeof raw)) {
      throw new UserError(`target "${targetName}": settings.${name} must be a string, number or boolean`, place);
    }
    // YAML reads an unquoted `off` as the string "off" but `false` as a boolean: both mean off.
    settings[name] = typeof raw === "boolean" ? (raw ? "on" : "off") : String(raw);
  }
  return settings;
}

/** The startup packet's `options`: `-c name=value` each, spaces and backslashes escaped as libpq does. */
export function startupOptions(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value.replace(/[\\ ]/g, (ch) => `\\${ch}`)}`)
    .join(" ");
}

interface UrlParts {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  sslmode?: string;
}

function parseUrl(value: unknown, targetName: string, place: { file?: string }): UrlParts {
  if (value === undefined || value === null || value === "") return {};
  const text = String(value);
  registerSecret(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`target "${targetName}": url is not a valid postgres:// URL`, place);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new UserError(`target "${targetName}": url must start with postgres:// or postgresql://`, place);
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  registerSecret(password);
  return {
    host: url.hostname ? decodeURIComponent(url.hostname).replace(/^\[|\]$/g, "") : undefined,
    port: url.port ? Number(url.port) : undefined,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password,
    database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined,
    sslmode: url.searchParams.get("sslmode") ?? undefined,
  };
}

/**
 * `ssl`: disable/false → plain; require/true/prefer → encrypted without verifying the certificate
 * (what libpq's sslmode=require does; Aurora's CA is not in Node's trust store); verify-ca /
 * verify-full → verified against sslRootCert (a PEM file, e.g. the RDS bundle) or the system CAs.
 */
function sslOptions(value: unknown, rootCert: string | undefined, targetName: string, place: { file?: string }): false | ConnectionOptions {
  const mode = value === undefined || value === null ? "disable" : String(value).toLowerCase();
  const ca = rootCert ? readRootCert(rootCert, targetName, place) : undefined;
  switch (mode) {
    case "disable":
    case "false":
    case "allow":
      return false;
    case "require":
    case "true":
    case "prefer":
      return { rejectUnauthorized: false };
    case "verify-ca":
      return { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined };
    case "verify-full":
      return { rejectUnauthorized: true, ca };
    default:
      throw new UserError(`target "${targetName}": ssl must be one of disable, require, verify-ca, verify-full, true, false; got "${mode}"`, place);
  }
}

function readRootCert(file: string, targetName: string, place: { file?: string }): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    throw new UserError(`target "${targetName}": cannot read sslRootCert file ${file}`, place);
  }
}
