// The Athena driver against a mocked AthenaClient (no AWS endpoint is reachable): every query
// state path, result pagination and typing, throttling, cancellation, timeouts, the in-flight cap.
import {
  AthenaClient,
  BatchGetQueryExecutionCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution,
} from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConnectionError, ExitCode, UserError } from "../../src/errors";
import { CancelledError, WarehouseError } from "../../src/warehouse/warehouse-error";
import { AthenaWarehouse, athenaSettingsFromTarget, createAthenaWarehouse, estimateAthenaCostUsd, estimateQueryCostUsd } from "../../src/warehouse/athena";
import type { AthenaSettings } from "../../src/warehouse/athena";
import type { ResolvedTarget } from "../../src/project/targets";

const SETTINGS: AthenaSettings = {
  region: "eu-west-1",
  workgroup: "strata",
  catalog: "AwsDataCatalog",
  s3Staging: "s3://results-bucket/athena/",
  s3Data: "s3://lake-bucket/strata/",
  s3Landing: "s3://lake-bucket/strata/landing/",
  databases: {},
};

const client = new AthenaClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const athena = mockClient(client);

/** A fake clock: sleeping advances it instantly, and every wait is recorded. */
let clock = 0;
let sleeps: number[] = [];
let tokens = 0;
function fakeDeps(extra: Partial<AthenaSettings> = {}) {
  return new AthenaWarehouse(
    { ...SETTINGS, ...extra },
    {
      client,
      timings: { throttleAttempts: 3, icebergCommitAttempts: 3 },
      now: () => clock,
      random: () => 0.5,
      newRequestToken: () => `token-${++tokens}`,
      sleep: async (ms, signal) => {
        sleeps.push(ms);
        clock += ms;
        void signal;
      },
    },
  );
}

function execution(id: string, State: string, extra: Partial<QueryExecution> = {}): QueryExecution {
  return {
    QueryExecutionId: id,
    StatementType: "DML",
    Status: { State: State as never },
    Statistics: { DataScannedInBytes: 2048, EngineExecutionTimeInMillis: 321, QueryQueueTimeInMillis: 12, TotalExecutionTimeInMillis: 400 },
    ...extra,
  };
}

/** Each query id walks through its scripted states, one per status poll (the last one repeats). */
function scriptStates(script: Record<string, (QueryExecution | string)[]>) {
  const polls: Record<string, number> = {};
  const next = (id: string): QueryExecution => {
    const steps = script[id];
    const i = Math.min(polls[id] ?? 0, steps.length - 1);
    polls[id] = (polls[id] ?? 0) + 1;
    const step = steps[i];
    return typeof step === "string" ? execution(id, step) : step;
  };
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({ QueryExecution: next(input.QueryExecutionId) }));
  athena.on(BatchGetQueryExecutionCommand).callsFake((input: { QueryExecutionIds: string[] }) => ({ QueryExecutions: input.QueryExecutionIds.map(next) }));
}

function throttle(name = "TooManyRequestsException") {
  return Object.assign(new Error("Rate exceeded"), { name, $metadata: { httpStatusCode: 400 } });
}

const header = { Data: [{ VarCharValue: "id" }, { VarCharValue: "name" }, { VarCharValue: "amount" }, { VarCharValue: "active" }] };
const columns = [
  { Name: "id", Label: "id", Type: "bigint" },
  { Name: "name", Label: "name", Type: "varchar" },
  { Name: "amount", Label: "amount", Type: "decimal" },
  { Name: "active", Label: "active", Type: "boolean" },
];

beforeEach(() => {
  athena.reset();
  clock = 0;
  sleeps = [];
  tokens = 0;
  athena.on(GetWorkGroupCommand).resolves({ WorkGroup: { Name: "strata", State: "ENABLED", Configuration: {} } });
  athena.on(StopQueryExecutionCommand).resolves({});
});
afterEach(() => athena.reset());

describe("query states", () => {
  it("QUEUED → RUNNING → SUCCEEDED returns typed rows without the header, with bytes scanned and timings", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q1" });
    scriptStates({ q1: ["QUEUED", "RUNNING", "SUCCEEDED"] });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [header, { Data: [{ VarCharValue: "1" }, { VarCharValue: "Ann" }, { VarCharValue: "12.50" }, { VarCharValue: "true" }] }, { Data: [{ VarCharValue: "2" }, {}, { VarCharValue: "0.10" }, { VarCharValue: "false" }] }],
      },
    });
    const wh = fakeDeps();
    const result = await wh.execute("select id, name, amount, active from t");
    expect(result.rows).toEqual([
      { id: 1, name: "Ann", amount: "12.50", active: true },
      { id: 2, name: null, amount: "0.10", active: false },
    ]);
    expect(result.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["id:bigint", "name:varchar", "amount:decimal", "active:boolean"]);
    expect(result.bytesScanned).toBe(2048);
    expect(result.queryId).toBe("q1");
    expect(result.rowCount).toBe(2);
    expect(result.athena).toEqual({ engineExecutionMs: 321, queueMs: 12, totalMs: 400, statementType: "DML" });
    // Backoff grows from 100 ms.
    expect(sleeps).toEqual([100, 160, 256]);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    expect(start).toMatchObject({
      QueryString: "select id, name, amount, active from t",
      ClientRequestToken: "token-1",
      WorkGroup: "strata",
      QueryExecutionContext: { Catalog: "AwsDataCatalog" },
      ResultConfiguration: { OutputLocation: "s3://results-bucket/athena/" },
    });
    expect(athena.commandCalls(GetWorkGroupCommand)).toHaveLength(1);
  });

  it("RUNNING → QUEUED → RUNNING → SUCCEEDED keeps polling (Athena can requeue a query)", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q2" });
    scriptStates({ q2: ["RUNNING", "QUEUED", "RUNNING", execution("q2", "SUCCEEDED", { StatementType: "DDL" })] });
    const result = await fakeDeps().execute("create database if not exists x");
    expect(result.queryId).toBe("q2");
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(4);
    // DDL has no result set worth fetching.
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it("FAILED surfaces Athena's error category, code and message", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q3" });
    scriptStates({
      q3: [
        "RUNNING",
        execution("q3", "FAILED", {
          Status: {
            State: "FAILED",
            StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
            AthenaError: { ErrorCategory: 2, ErrorType: 1006, ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" },
          },
        }),
      ],
    });
    const err = await fakeDeps().execute("select nope from t").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect((err as WarehouseError).message).toBe("Athena query failed (user error): COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved [query q3]");
    expect((err as WarehouseError).code).toBe("COLUMN_NOT_FOUND");
    expect((err as WarehouseError).exitCode).toBe(ExitCode.actionFailed);
  });

  it("CANCELLED (by someone else or the workgroup) is a CancelledError with the reason", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q4" });
    scriptStates({ q4: ["RUNNING", execution("q4", "CANCELLED", { Status: { State: "CANCELLED", StateChangeReason: "Query cancelled by user" } })] });
    await expect(fakeDeps().execute("select 1")).rejects.toThrow(new CancelledError("Athena query q4 was cancelled: Query cancelled by user"));
  });
});

describe("results", () => {
  it("reads every page, with the header only on the first", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q5" });
    scriptStates({ q5: ["SUCCEEDED"] });
    const rows = (from: number) => Array.from({ length: 1000 }, (_, i) => ({ Data: [{ VarCharValue: String(from + i) }] }));
    const meta = { ColumnInfo: [{ Name: "n", Label: "n", Type: "integer" }] };
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({ ResultSet: { ResultSetMetadata: meta, Rows: [{ Data: [{ VarCharValue: "n" }] }, ...rows(0).slice(0, 999)] }, NextToken: "p2" })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: meta, Rows: rows(999) }, NextToken: "p3" })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: meta, Rows: rows(1999).slice(0, 1) } });
    const result = await fakeDeps().execute("select n from big");
    expect(result.rows).toHaveLength(2000);
    expect(result.rows[0]).toEqual({ n: 0 });
    expect(result.rows[1999]).toEqual({ n: 1999 });
    const calls = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken);
    expect(calls).toEqual([undefined, "p2", "p3"]);
  });

  it("a utility statement's first row is data, not a header", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q6" });
    scriptStates({ q6: [execution("q6", "SUCCEEDED", { StatementType: "UTILITY" })] });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: "tab_name", Type: "string" }] }, Rows: [{ Data: [{ VarCharValue: "orders" }] }] },
    });
    expect((await fakeDeps().execute("show tables in ods")).rows).toEqual([{ tab_name: "orders" }]);
  });

  it("a CTAS (typed DDL by Athena) still reports its row count and is billed for what it scanned", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "ctas" });
    scriptStates({ ctas: [execution("ctas", "SUCCEEDED", { StatementType: "DDL", Statistics: { DataScannedInBytes: 5 * 2 ** 20 } })] });
    athena.on(GetQueryResultsCommand).resolves({ UpdateCount: 99, ResultSet: { Rows: [] } });
    const wh = fakeDeps();
    const result = await wh.execute(`create table "m"."t__strata_tmp_1"\nwith (\n  table_type = 'ICEBERG'\n)\nas\nselect 1 as x`);
    expect(result.rowCount).toBe(99);
    expect(wh.usage().queries).toBe(1);
  });

  it("a write reports its row count from UpdateCount", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q7" });
    scriptStates({ q7: ["SUCCEEDED"] });
    athena.on(GetQueryResultsCommand).resolves({ UpdateCount: 4321, ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
    expect((await fakeDeps().execute("insert into t select * from s")).rowCount).toBe(4321);
  });
});

describe("throttling and retries", () => {
  it("retries a throttled start with the same request token, then succeeds", async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttle())
      .rejectsOnce(throttle("ThrottlingException"))
      .resolves({ QueryExecutionId: "q8" });
    scriptStates({ q8: [execution("q8", "SUCCEEDED", { StatementType: "DDL" })] });
    const result = await fakeDeps().execute("drop table if exists `a`.`b`");
    expect(result.queryId).toBe("q8");
    const starts = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
    // One logical query: Athena deduplicates on the token if an earlier attempt did start it.
    expect(starts).toEqual(["token-1", "token-1", "token-1"]);
    // Full jitter (random 0.5) under a doubling ceiling: 250 → 125, 500 → 250.
    expect(sleeps.slice(0, 2)).toEqual([125, 250]);
  });

  it("gives up with a clear error when throttling does not stop", async () => {
    athena.on(StartQueryExecutionCommand).rejects(throttle());
    const err = await fakeDeps().execute("select 1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect((err as WarehouseError).message).toBe(
      "Athena kept throttling StartQueryExecution (TooManyRequestsException) after 3 attempts; lower maxConcurrency in targets.yaml or raise the account's Athena quotas",
    );
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
  });

  it("runs a statement again, with a new token, when it lost an Iceberg commit race", async () => {
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `m${++n}` }));
    const conflict = (id: string) =>
      execution(id, "FAILED", { Status: { State: "FAILED", AthenaError: { ErrorCategory: 1, ErrorMessage: "ICEBERG_COMMIT_ERROR: Failed to commit Iceberg update to table" } } });
    scriptStates({ m1: [conflict("m1")], m2: ["SUCCEEDED"] });
    athena.on(GetQueryResultsCommand).resolves({ UpdateCount: 7, ResultSet: { Rows: [] } });
    const result = await fakeDeps().execute("merge into t using s on t.id = s.id when matched then delete");
    expect(result.rowCount).toBe(7);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken)).toEqual(["token-1", "token-2"]);
  });
});

describe("cancellation and timeouts", () => {
  it("aborting a running query issues StopQueryExecution", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q9" });
    const controller = new AbortController();
    let polls = 0;
    athena.on(GetQueryExecutionCommand).callsFake(() => {
      if (++polls === 2) controller.abort();
      return { QueryExecution: execution("q9", "RUNNING") };
    });
    const err = await fakeDeps().execute("select * from huge", { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input.QueryExecutionId)).toEqual(["q9"]);
  });

  it("an already aborted signal starts nothing", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "never" });
    const controller = new AbortController();
    controller.abort();
    await expect(fakeDeps().execute("select 1", { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it("a query past its timeout is stopped", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q10" });
    scriptStates({ q10: ["RUNNING"] });
    const err = await fakeDeps().execute("select * from huge", { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).message).toBe("Athena query q10 timed out after 2000 ms and was stopped");
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
    expect(clock).toBe(2000);
  });

  it("a query that scans past bytesScannedCutoffPerQuery is stopped", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q11" });
    scriptStates({ q11: ["RUNNING", execution("q11", "RUNNING", { Statistics: { DataScannedInBytes: 5_000_000 } })] });
    const err = await fakeDeps({ bytesScannedCutoffPerQuery: 1_000_000 }).execute("select * from huge").catch((e: unknown) => e);
    expect((err as WarehouseError).code).toBe("BYTES_SCANNED_CUTOFF");
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
  });
});

describe("concurrency", () => {
  it("polls queries in flight together with BatchGetQueryExecution, and caps how many run at once", async () => {
    let n = 0;
    let running = 0;
    let maxRunning = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      return { QueryExecutionId: `c${++n}` };
    });
    const polls: Record<string, number> = {};
    const status = (id: string) => {
      polls[id] = (polls[id] ?? 0) + 1;
      if (polls[id] < 3) return execution(id, "RUNNING", { StatementType: "DDL" });
      running--;
      return execution(id, "SUCCEEDED", { StatementType: "DDL" });
    };
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({ QueryExecution: status(input.QueryExecutionId) }));
    athena.on(BatchGetQueryExecutionCommand).callsFake((input: { QueryExecutionIds: string[] }) => ({ QueryExecutions: input.QueryExecutionIds.map(status) }));
    const wh = fakeDeps({ maxConcurrency: 3 });
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => wh.execute(`create database if not exists d${i}`)));
    expect(results.map((r) => r.queryId).sort()).toEqual(["c1", "c2", "c3", "c4", "c5", "c6", "c7"]);
    expect(maxRunning).toBe(3);
    // The workgroup is read once, however many statements start together.
    expect(athena.commandCalls(GetWorkGroupCommand)).toHaveLength(1);
    expect(athena.commandCalls(BatchGetQueryExecutionCommand).length).toBeGreaterThan(0);
    const batched = athena.commandCalls(BatchGetQueryExecutionCommand).map((c) => c.args[0].input.QueryExecutionIds?.length ?? 0);
    expect(Math.max(...batched)).toBe(3);
  });
});

describe("metadata and sessions", () => {
  it("readState reads tables, columns and schemas from information_schema, keyed by the targets' spelling", async () => {
    const ids: Record<string, string> = {};
    athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
      const id = input.QueryString.includes("information_schema.tables") ? "t" : input.QueryString.includes("information_schema.columns") ? "c" : "s";
      ids[id] = input.QueryString;
      return { QueryExecutionId: id };
    });
    scriptStates({ t: ["SUCCEEDED"], c: ["SUCCEEDED"], s: ["SUCCEEDED"] });
    const page = (names: string[], rows: string[][]) => ({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: names.map((n) => ({ Name: n, Label: n, Type: "varchar" })) },
        Rows: [{ Data: names.map((n) => ({ VarCharValue: n })) }, ...rows.map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) }))],
      },
    });
    athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => {
      if (input.QueryExecutionId === "t") return page(["table_schema", "table_name", "table_type"], [["marts", "daily_sales", "BASE TABLE"], ["marts", "sales_view", "VIEW"]]);
      if (input.QueryExecutionId === "c") return page(["table_schema", "table_name", "column_name", "data_type", "is_nullable"], [["marts", "daily_sales", "day", "date", "YES"], ["marts", "daily_sales", "revenue", "decimal(18,2)", "YES"]]);
      return page(["schema_name"], [["marts"]]);
    });
    const state = await fakeDeps().readState([
      { schema: "marts", name: "Daily_Sales" },
      { schema: "marts", name: "sales_view" },
      { schema: "staging", name: "missing" },
    ]);
    expect(ids.t).toBe("select table_schema, table_name, table_type from information_schema.tables where table_schema in ('marts', 'staging') and table_name in ('daily_sales', 'missing', 'sales_view')");
    expect([...state.relations.keys()].sort()).toEqual(["marts.Daily_Sales", "marts.sales_view"]);
    expect(state.relations.get("marts.Daily_Sales")).toMatchObject({ kind: "table", columns: [{ name: "day", type: "date", nullable: true }, { name: "revenue", type: "decimal(18,2)", nullable: true }] });
    expect(state.relations.get("marts.sales_view")?.kind).toBe("view");
    expect([...state.schemas]).toEqual(["marts"]);
  });

  it("transaction() runs the statements without BEGIN/COMMIT (Athena has none) and the run lock is a no-op", async () => {
    athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => ({ QueryExecutionId: input.QueryString.replace(/\W+/g, "_") }));
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({ QueryExecution: execution(input.QueryExecutionId, "SUCCEEDED", { StatementType: "DDL" }) }));
    const wh = fakeDeps();
    await wh.transaction(async (session) => {
      await session.execute("drop table if exists `a`.`b`");
      await session.execute("drop table if exists `a`.`c`");
    });
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString)).toEqual(["drop table if exists `a`.`b`", "drop table if exists `a`.`c`"]);
    const release = await wh.acquireRunLock({ wait: false });
    await release();
  });
});

describe("connection, config and cost", () => {
  it("refused credentials are a ConnectionError (exit 3)", async () => {
    athena.on(GetWorkGroupCommand).rejects(Object.assign(new Error("The security token included in the request is invalid."), { name: "UnrecognizedClientException" }));
    const err = await fakeDeps().connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).exitCode).toBe(ExitCode.unreachable);
    expect((err as Error).message).toMatch(/^Athena refused the credentials \(UnrecognizedClientException\)/);
  });

  it("no credentials anywhere is a ConnectionError too", async () => {
    athena.on(GetWorkGroupCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    await expect(fakeDeps().connect()).rejects.toBeInstanceOf(ConnectionError);
  });

  it("an unknown workgroup cannot be used", async () => {
    athena.on(GetWorkGroupCommand).rejects(Object.assign(new Error("WorkGroup nope is not found."), { name: "InvalidRequestException" }));
    await expect(fakeDeps().connect()).rejects.toThrow(/cannot use Athena workgroup "strata" in eu-west-1: .*WorkGroup nope is not found/);
  });

  it("without s3Staging the workgroup must have a result location", async () => {
    const err = await fakeDeps({ s3Staging: undefined }).connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).oneLine()).toBe('targets.yaml: Athena workgroup "strata" has no query result location: set s3Staging in targets.yaml');
  });

  it("the workgroup's enforced result location wins over s3Staging", async () => {
    athena.on(GetWorkGroupCommand).resolves({
      WorkGroup: { Name: "strata", Configuration: { EnforceWorkGroupConfiguration: true, ResultConfiguration: { OutputLocation: "s3://wg/" } } },
    });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q12" });
    scriptStates({ q12: [execution("q12", "SUCCEEDED", { StatementType: "DDL" })] });
    await fakeDeps().execute("create database if not exists x");
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.ResultConfiguration).toBeUndefined();
  });

  const target = (config: Record<string, unknown>): ResolvedTarget => ({
    name: "athena",
    adapter: "athena",
    dialect: "athena",
    config: { adapter: "athena", ...config },
    file: "/p/targets.yaml",
  });

  it("rejects AWS keys in targets.yaml", () => {
    const t = target({ region: "eu-west-1", s3Data: "s3://b/lake", secretAccessKey: "abc" });
    expect(() => athenaSettingsFromTarget(t)).toThrow(UserError);
    expect(() => athenaSettingsFromTarget(t)).toThrow(/^target "athena": "secretAccessKey" is not allowed: AWS credentials never go in project files/);
    try {
      athenaSettingsFromTarget(t);
    } catch (err) {
      expect((err as UserError).oneLine()).not.toContain("abc");
      expect((err as UserError).place.file).toBe("targets.yaml");
    }
  });

  it("needs region and s3Data, defaults the rest", () => {
    expect(() => athenaSettingsFromTarget(target({ s3Data: "s3://b/x" }))).toThrow('target "athena": "region" is required for the athena adapter');
    expect(() => athenaSettingsFromTarget(target({ region: "eu-west-1", s3Data: "/tmp/x" }))).toThrow('"s3Data" must be an s3:// URI, got "/tmp/x"');
    expect(() => athenaSettingsFromTarget(target({ region: "eu-west-1", s3Data: "s3://b/x", wrkgroup: "p" }))).toThrow(/unknown setting "wrkgroup"/);
    expect(athenaSettingsFromTarget(target({ region: "eu-west-1", s3Data: "s3://b/x" }))).toEqual({
      region: "eu-west-1",
      workgroup: "primary",
      catalog: "AwsDataCatalog",
      s3Staging: undefined,
      s3Data: "s3://b/x/",
      s3Landing: "s3://b/x/landing/",
      databases: {},
      bytesScannedCutoffPerQuery: undefined,
      maxConcurrency: undefined,
      queryTimeoutMs: undefined,
      profile: undefined,
    });
  });

  it("createAthenaWarehouse sizes the in-flight cap from --concurrency", () => {
    const wh = createAthenaWarehouse(target({ region: "eu-west-1", s3Data: "s3://b/x" }), { projectDir: "/p", concurrency: 8 }, { client });
    expect(wh.dialect).toBe("athena");
    expect(wh.maxConcurrency).toBe(8);
  });

  it("estimates cost at $5/TB with a 10 MB minimum per query, and tracks the run's usage", async () => {
    expect(estimateQueryCostUsd(0)).toBeCloseTo((10 * 2 ** 20 / 2 ** 40) * 5, 12);
    expect(estimateQueryCostUsd(2 ** 40)).toBe(5);
    expect(estimateAthenaCostUsd([2 ** 40, 2 ** 39, 1])).toBeCloseTo(7.5 + (10 * 2 ** 20 / 2 ** 40) * 5, 12);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q13" });
    scriptStates({ q13: [execution("q13", "SUCCEEDED", { Statistics: { DataScannedInBytes: 2 ** 40 } })] });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    const wh = fakeDeps();
    await wh.execute("select * from t");
    expect(wh.usage()).toEqual({ queries: 1, bytesScanned: 2 ** 40, estimatedCostUsd: 5 });
  });
});
