// The Athena warehouse on @aws-sdk/client-athena. One statement is one query execution:
//   StartQueryExecution (our own ClientRequestToken, so a retried start never runs twice)
//   → poll its status with backoff (~100 ms growing to a few seconds; statuses of queries waiting
//     in the same tick are fetched together with BatchGetQueryExecution)
//   → GetQueryResults page by page, values typed from ResultSetMetadata.
// Cancellation (AbortSignal) and timeouts call StopQueryExecution. API throttling is retried with
// jittered backoff; a query that lost an Iceberg commit race (ICEBERG_COMMIT_ERROR) is run again.
// Athena has no transactions and no locks: transaction() just runs fn, and the run lock is a no-op.
import { randomUUID } from "node:crypto";
import {
  AthenaClient,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryResultsOutput,
  type QueryExecution,
  type WorkGroupConfiguration,
} from "@aws-sdk/client-athena";
import { ConnectionError, UserError } from "../../errors";
import type { Target } from "../../graph/types";
import { abortableSleep } from "../abortable-sleep";
import { CancelledError, WarehouseError } from "../warehouse-error";
import type { ExecuteOptions, QueryField, QueryResult, Session, Warehouse, WarehouseState } from "../warehouse";
import type { AthenaSettings } from "./athena-config";
import { estimateAthenaCostUsd } from "./athena-cost";
import { failedQueryError, isIcebergCommitConflict, isThrottling, toAthenaApiError } from "./athena-errors";
import { stateFromResults, stateQueries } from "./athena-introspector";
import { fieldsFrom, isHeaderRow, rowToRecord } from "./result-values";
import { Semaphore } from "./semaphore";
import { StatusBatcher } from "./status-batcher";

/** Anything that sends SDK commands: the real AthenaClient, or a mocked one in tests. */
export interface AthenaSender {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy?(): void;
}

export interface AthenaTimings {
  /** First status poll after this long; each later one waits `pollFactor` times longer, up to `pollMaxMs`. */
  pollInitialMs: number;
  pollMaxMs: number;
  pollFactor: number;
  /** Throttled API calls: attempts in all, and the backoff ceiling (full jitter). */
  throttleAttempts: number;
  throttleBaseMs: number;
  throttleMaxMs: number;
  /** Runs of one statement that lost an Iceberg commit race. */
  icebergCommitAttempts: number;
}

export const DEFAULT_TIMINGS: AthenaTimings = {
  pollInitialMs: 100,
  pollMaxMs: 3000,
  pollFactor: 1.6,
  throttleAttempts: 6,
  throttleBaseMs: 250,
  throttleMaxMs: 8000,
  icebergCommitAttempts: 4,
};

export interface AthenaDriverDeps {
  client?: AthenaSender;
  timings?: Partial<AthenaTimings>;
  /** Injected in tests so backoff takes no real time. Must resolve early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  newRequestToken?: () => string;
}

/** What a statement cost and how long it took, beside the rows. */
export interface AthenaQueryResult extends QueryResult {
  athena: { engineExecutionMs?: number; queueMs?: number; totalMs?: number; statementType?: string };
}

export interface AthenaUsage {
  queries: number;
  bytesScanned: number;
  estimatedCostUsd: number;
}

const CTAS = /^\s*create\s+table\b[\s\S]*?\)\s*as\b|^\s*create\s+table\s+\S+\s+as\b/i;

export class AthenaWarehouse implements Warehouse {
  readonly adapter = "athena";
  readonly dialect = "athena" as const;
  readonly maxConcurrency: number;

  private readonly client: AthenaSender;
  private readonly timings: AthenaTimings;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly newRequestToken: () => string;
  private readonly inFlight: Semaphore;
  private readonly statuses: StatusBatcher;
  private workgroup?: WorkGroupConfiguration;
  private connecting?: Promise<void>;
  private readonly billableBytes: number[] = [];

  constructor(
    private readonly settings: AthenaSettings,
    deps: AthenaDriverDeps = {},
  ) {
    // Strata supports Node 20; the SDK's notice that future SDK versions will need Node 22 is
    // not actionable for users and would be printed on every run.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    this.client =
      deps.client ??
      new AthenaClient({
        region: settings.region,
        profile: settings.profile,
        // Fail fast when AWS is unreachable instead of waiting on the OS's TCP timeouts.
        requestHandler: { connectionTimeout: 5000, requestTimeout: 60_000 },
      });
    this.timings = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.sleep = deps.sleep ?? abortableSleep;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.newRequestToken = deps.newRequestToken ?? randomUUID;
    this.maxConcurrency = Math.max(1, Math.floor(settings.maxConcurrency ?? 5));
    this.inFlight = new Semaphore(this.maxConcurrency);
    this.statuses = new StatusBatcher((command) => this.send(command, "GetQueryExecution"));
  }

  /** Reads the workgroup's settings once per run; fails with exit 3 when AWS is unreachable or refuses us. */
  connect(): Promise<void> {
    // Statements started before connect() finished share its one GetWorkGroup call.
    this.connecting ??= this.readWorkgroup().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  private async readWorkgroup(): Promise<void> {
    let out: { WorkGroup?: { State?: string; Configuration?: WorkGroupConfiguration } };
    try {
      out = await this.send(new GetWorkGroupCommand({ WorkGroup: this.settings.workgroup }), "GetWorkGroup");
    } catch (err) {
      if (err instanceof ConnectionError) throw err;
      throw new ConnectionError(`cannot use Athena workgroup "${this.settings.workgroup}" in ${this.settings.region}: ${(err as Error).message}`);
    }
    if (out.WorkGroup?.State === "DISABLED") throw new ConnectionError(`Athena workgroup "${this.settings.workgroup}" is disabled`);
    const config = out.WorkGroup?.Configuration ?? {};
    if (!config.ResultConfiguration?.OutputLocation && !this.settings.s3Staging) {
      throw new UserError(`Athena workgroup "${this.settings.workgroup}" has no query result location: set s3Staging in targets.yaml`, { file: "targets.yaml" });
    }
    this.workgroup = config;
  }

  execute(sql: string, options: ExecuteOptions = {}): Promise<AthenaQueryResult> {
    return this.inFlight.run(() => this.executeWithCommitRetries(sql, options));
  }

  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return fn({ execute: (sql, options) => this.execute(sql, options) });
  }

  /** Athena has no transactions: the statements run one by one, and a failure leaves earlier ones applied. */
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.withSession(fn);
  }

  async readState(targets: Target[]): Promise<WarehouseState> {
    const queries = stateQueries(targets);
    if (!queries) return { relations: new Map(), schemas: new Set() };
    const [tables, columns, schemas] = await Promise.all([this.execute(queries.tables), this.execute(queries.columns), this.execute(queries.schemas)]);
    return stateFromResults(targets, tables, columns, schemas);
  }

  /**
   * Athena offers no lock primitive (no advisory locks, no conditional writes we can rely on
   * without another service), so two runs on one target are not prevented: schedule them apart.
   */
  async acquireRunLock(_options?: { wait: boolean; timeoutMs?: number }): Promise<() => Promise<void>> {
    return async () => {};
  }

  async close(): Promise<void> {
    this.client.destroy?.();
  }

  /** Queries run, bytes scanned and the list-price estimate so far (for the run summary). */
  usage(): AthenaUsage {
    const bytesScanned = this.billableBytes.reduce((a, b) => a + b, 0);
    return { queries: this.billableBytes.length, bytesScanned, estimatedCostUsd: estimateAthenaCostUsd(this.billableBytes) };
  }

  private async executeWithCommitRetries(sql: string, options: ExecuteOptions): Promise<AthenaQueryResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runQuery(sql, options);
      } catch (err) {
        if (!isIcebergCommitConflict(err) || attempt >= this.timings.icebergCommitAttempts || options.signal?.aborted) throw err;
        // The losing writer committed nothing, so running the statement again is safe.
        await this.sleep(this.jitter(attempt), options.signal);
      }
    }
  }

  private async runQuery(sql: string, options: ExecuteOptions): Promise<AthenaQueryResult> {
    const { signal } = options;
    if (signal?.aborted) throw new CancelledError("cancelled before the query started");
    await this.connect();
    const enforced = this.workgroup?.EnforceWorkGroupConfiguration === true;
    const started = await this.send<{ QueryExecutionId?: string }>(
      new StartQueryExecutionCommand({
        QueryString: sql,
        ClientRequestToken: this.newRequestToken(),
        WorkGroup: this.settings.workgroup,
        QueryExecutionContext: { Catalog: this.settings.catalog },
        ResultConfiguration: this.settings.s3Staging && !enforced ? { OutputLocation: this.settings.s3Staging } : undefined,
      }),
      "StartQueryExecution",
    );
    const queryId = started.QueryExecutionId;
    if (!queryId) throw new WarehouseError("Athena StartQueryExecution returned no query id");
    const execution = await this.pollUntilDone(queryId, options);
    const stats = execution.Statistics ?? {};
    const bytesScanned = stats.DataScannedInBytes ?? 0;
    const statementType = execution.StatementType;
    // DDL is free, except CTAS (Athena types it DDL), which is billed for what its query scanned.
    const ctas = statementType === "DDL" && CTAS.test(sql);
    if (statementType !== "DDL" || bytesScanned > 0) this.billableBytes.push(bytesScanned);
    const result: AthenaQueryResult = {
      rows: [],
      fields: [],
      bytesScanned,
      queryId,
      athena: {
        engineExecutionMs: stats.EngineExecutionTimeInMillis,
        queueMs: stats.QueryQueueTimeInMillis,
        totalMs: stats.TotalExecutionTimeInMillis,
        statementType,
      },
    };
    // CTAS reports its row count (UpdateCount) with the results; other DDL has none to read.
    if (statementType === "DDL" && !ctas) return result;
    await this.readResults(queryId, statementType === "DML", result, signal);
    return result;
  }

  /** Polls until the query ends; stops it on abort, timeout or when it scans past the cutoff. */
  private async pollUntilDone(queryId: string, { signal, timeoutMs }: ExecuteOptions): Promise<QueryExecution> {
    const limitMs = timeoutMs ?? this.settings.queryTimeoutMs;
    const deadline = limitMs === undefined ? undefined : this.now() + limitMs;
    let delay = this.timings.pollInitialMs;
    for (;;) {
      await this.sleep(deadline === undefined ? delay : Math.max(0, Math.min(delay, deadline - this.now())), signal);
      if (signal?.aborted) {
        await this.stop(queryId);
        throw new CancelledError(`cancelled; Athena query ${queryId} stopped`);
      }
      const execution = await this.statuses.statusOf(queryId);
      const state = execution.Status?.State ?? "QUEUED";
      if (state === "SUCCEEDED") return execution;
      if (state === "FAILED") throw failedQueryError(execution);
      if (state === "CANCELLED") {
        const reason = execution.Status?.StateChangeReason ?? execution.Status?.AthenaError?.ErrorMessage;
        throw new CancelledError(`Athena query ${queryId} was cancelled${reason ? `: ${reason.split("\n")[0]}` : ""}`);
      }
      // Still QUEUED or RUNNING (a query can go back from RUNNING to QUEUED when Athena retries it).
      const scanned = execution.Statistics?.DataScannedInBytes ?? 0;
      const cutoff = this.settings.bytesScannedCutoffPerQuery;
      if (cutoff !== undefined && scanned > cutoff) {
        await this.stop(queryId);
        throw new WarehouseError(
          `Athena query ${queryId} stopped: it scanned ${scanned} bytes, more than bytesScannedCutoffPerQuery (${cutoff})`,
          "BYTES_SCANNED_CUTOFF",
        );
      }
      if (deadline !== undefined && this.now() >= deadline) {
        await this.stop(queryId);
        throw new CancelledError(`Athena query ${queryId} timed out after ${limitMs} ms and was stopped`);
      }
      delay = Math.min(this.timings.pollMaxMs, delay * this.timings.pollFactor);
    }
  }

  private async readResults(queryId: string, hasHeader: boolean, result: AthenaQueryResult, signal?: AbortSignal): Promise<void> {
    let fields: QueryField[] | undefined;
    let nextToken: string | undefined;
    let first = true;
    do {
      if (signal?.aborted) throw new CancelledError();
      const page = await this.send<GetQueryResultsOutput>(
        new GetQueryResultsCommand({ QueryExecutionId: queryId, NextToken: nextToken, MaxResults: 1000 }),
        "GetQueryResults",
      );
      fields ??= fieldsFrom(page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []);
      let rows = page.ResultSet?.Rows ?? [];
      if (first && hasHeader && isHeaderRow(rows[0], fields)) rows = rows.slice(1);
      for (const row of rows) result.rows.push(rowToRecord(row, fields));
      if (page.UpdateCount !== undefined) result.rowCount = page.UpdateCount;
      nextToken = page.NextToken;
      first = false;
    } while (nextToken);
    result.fields = fields ?? [];
    // A write (CTAS, INSERT, MERGE) reports its row count in UpdateCount; a SELECT's count is its rows.
    if (result.rowCount === undefined || (result.rowCount === 0 && result.rows.length > 0)) result.rowCount = result.rows.length;
  }

  /** Best effort: the query may already have ended, and the error we are raising matters more. */
  private async stop(queryId: string): Promise<void> {
    try {
      await this.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }), "StopQueryExecution");
    } catch {
      // ignored: see above
    }
  }

  /** One API call, retried with full-jitter backoff while Athena throttles us. */
  private async send<T>(command: unknown, operation: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.client.send(command)) as T;
      } catch (err) {
        if (!isThrottling(err)) throw toAthenaApiError(err, operation);
        if (attempt >= this.timings.throttleAttempts) {
          const name = (err as { name?: string }).name ?? "throttled";
          throw new WarehouseError(
            `Athena kept throttling ${operation} (${name}) after ${attempt} attempts; lower maxConcurrency in targets.yaml or raise the account's Athena quotas`,
            "THROTTLED",
          );
        }
        await this.sleep(this.jitter(attempt));
      }
    }
  }

  private jitter(attempt: number): number {
    const ceiling = Math.min(this.timings.throttleMaxMs, this.timings.throttleBaseMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }
}
