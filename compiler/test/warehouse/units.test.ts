// The warehouse layer's pure parts: connection failure messages, target settings, COPY chunking,
// the Strata hash marker and transient-error classification.
import { describe, expect, it } from "vitest";
import { redact } from "../../src/redact";
import type { ResolvedTarget } from "../../src/project/targets";
import { chunkCopyData, copyFormatOf } from "../../src/warehouse/copy-chunks";
import { connectionError } from "../../src/warehouse/postgres-connection-error";
import { postgresOptionsFromTarget, startupOptions } from "../../src/warehouse/postgres";
import { formatStrataHash, parseStrataHash, stripStrataHash } from "../../src/warehouse/strata-comment";
import { CancelledError, isTransientError, WarehouseError } from "../../src/warehouse/warehouse-error";

const place = { target: "aurora", host: "db.example", port: 5432, user: "app", database: "dw", connectTimeoutMs: 10_000 };

describe("connection failure messages", () => {
  const cases: [object, string][] = [
    [{ code: "28P01", message: 'password authentication failed for user "app"' }, 'password authentication failed for user "app"'],
    [{ code: "28000", message: 'no pg_hba.conf entry for host "10.0.0.1", user "app", database "dw", no encryption' }, "the server requires SSL (set ssl: require in targets.yaml)"],
    [{ code: "SELF_SIGNED_CERT_IN_CHAIN", message: "self-signed certificate in certificate chain" }, "the server's TLS certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN); set sslRootCert to its CA bundle, or ssl: require to encrypt without verifying"],
    [{ code: "ERR_TLS_CERT_ALTNAME_INVALID", message: "Hostname/IP does not match" }, `the server's TLS certificate does not match host "db.example"`],
    [new Error("timeout expired"), "no answer within 10 s"],
    [new Error("Connection terminated due to connection timeout"), "no answer within 10 s"],
    [{ code: "ETIMEDOUT", message: "connect ETIMEDOUT 10.0.0.1:5432" }, "no answer within 10 s (ETIMEDOUT)"],
  ];
  it.each(cases)("maps %o to one line", (err, reason) => {
    const e = connectionError(err, place);
    expect(e.message).toBe(`cannot connect to postgres target "aurora" at db.example:5432: ${reason}`);
    expect(e.exitCode).toBe(3);
  });
});

describe("postgres target settings", () => {
  const target = (config: Record<string, unknown>): ResolvedTarget => ({ name: "aurora", adapter: "postgres", dialect: "postgres", config: { adapter: "postgres", ...config }, file: "/p/targets.yaml" });

  it("reads a URL, lets separate settings override it, and registers the password as a secret", () => {
    const o = postgresOptionsFromTarget(target({ url: "postgresql://app:p%40ss-W0rd@db.example:6543/dw?sslmode=require", database: "other" }), { concurrency: 6 });
    expect(o).toMatchObject({ host: "db.example", port: 6543, user: "app", password: "p@ss-W0rd", database: "other", poolSize: 6, applicationName: "strata", connectTimeoutMs: 10_000 });
    expect(o.ssl).toEqual({ rejectUnauthorized: false });
    expect(redact("failed with p@ss-W0rd")).toBe("failed with ***");
  });

  it("maps ssl modes, pool size and timeouts", () => {
    expect(postgresOptionsFromTarget(target({ ssl: "disable" }), {}).ssl).toBe(false);
    expect(postgresOptionsFromTarget(target({ ssl: true }), {}).ssl).toEqual({ rejectUnauthorized: false });
    expect(postgresOptionsFromTarget(target({ ssl: "verify-full" }), {}).ssl).toEqual({ rejectUnauthorized: true, ca: undefined });
    const o = postgresOptionsFromTarget(target({ poolSize: 2, statementTimeoutMs: 5000, connectTimeoutMs: 2500 }), { concurrency: 8 });
    expect(o).toMatchObject({ poolSize: 2, statementTimeoutMs: 5000, connectTimeoutMs: 2500, host: "localhost", port: 5432 });
    expect(postgresOptionsFromTarget(target({ statementTimeoutMs: 5000 }), { statementTimeoutMs: 100 }).statementTimeoutMs).toBe(100);
  });

  it("turns settings into startup options, escaped as libpq does", () => {
    const o = postgresOptionsFromTarget(target({ settings: { jit: "off", enable_seqscan: false, work_mem: 65536, search_path: "a b\\c", "pg_stat_statements.track": "all" } }), {});
    expect(o.settings).toEqual({ jit: "off", enable_seqscan: "off", work_mem: "65536", search_path: "a b\\c", "pg_stat_statements.track": "all" });
    expect(startupOptions(o.settings!)).toBe("-c jit=off -c enable_seqscan=off -c work_mem=65536 -c search_path=a\\ b\\\\c -c pg_stat_statements.track=all");
    expect(postgresOptionsFromTarget(target({}), {}).settings).toBeUndefined();
    expect(() => postgresOptionsFromTarget(target({ settings: "jit=off" }), {})).toThrow('target "aurora": settings must be a map of PostgreSQL parameters');
    expect(() => postgresOptionsFromTarget(target({ settings: { "jit; drop": "off" } }), {})).toThrow('target "aurora": settings: "jit; drop" is not a PostgreSQL parameter name');
    expect(() => postgresOptionsFromTarget(target({ settings: { jit: ["off"] } }), {})).toThrow('target "aurora": settings.jit must be a string, number or boolean');
  });

  it("rejects bad settings with a one-line error naming targets.yaml", () => {
    expect(() => postgresOptionsFromTarget(target({ ssl: "maybe" }), {})).toThrow('target "aurora": ssl must be one of disable, require, verify-ca, verify-full, true, false; got "maybe"');
    expect(() => postgresOptionsFromTarget(target({ url: "mysql://x@y/z" }), {})).toThrow("url must start with postgres://");
    const err = (() => {
      try {
        postgresOptionsFromTarget(target({ poolSize: "many" }), {});
      } catch (e) {
        return e as { exitCode: number; place: { file?: string } };
      }
    })();
    expect(err).toMatchObject({ exitCode: 2, place: { file: "/p/targets.yaml" } });
  });
});

describe("COPY chunking", () => {
  async function collect(pieces: string[], copySql: string, chunkBytes: number): Promise<string[]> {
    async function* source() {
      yield* pieces;
    }
    const out: string[] = [];
    for await (const chunk of chunkCopyData(source(), copyFormatOf(copySql), chunkBytes)) out.push(chunk.toString("utf8"));
    return out;
  }

  it("cuts text input at line ends only", async () => {
    expect(await collect(["1\ta\n2\t", "b\n3\tc\n", "4\td"], "copy t from stdin", 8)).toEqual(["1\ta\n2\tb\n3\tc\n", "4\td"]);
  });

  it("never cuts a CSV record inside quotes, and repeats the header in every chunk", async () => {
    const chunks = await collect(['id,v\n1,"a\nb"\n', '2,"say ""hi""\n"\n', "3,c\n"], "COPY t FROM STDIN (FORMAT csv, HEADER)", 10);
    expect(chunks).toEqual(['id,v\n1,"a\nb"\n', 'id,v\n2,"say ""hi""\n"\n', "id,v\n3,c\n"]);
  });

  it("reads the format options of the statement", () => {
    expect(copyFormatOf("copy t from stdin with csv header")).toEqual({ csv: true, header: true });
    expect(copyFormatOf("copy t (a) from stdin (format csv, header false)")).toEqual({ csv: true, header: false });
    expect(copyFormatOf("copy t from stdin")).toEqual({ csv: false, header: false });
    expect(() => copyFormatOf("copy t from stdin (format binary)")).toThrow("binary");
  });
});

describe("Strata hash marker in comments", () => {
  it("round-trips with and without a description", () => {
    expect(formatStrataHash("abc123")).toBe("strata:hash=abc123");
    const comment = formatStrataHash("abc123", "Daily totals\nstrata:hash=0ff1ce");
    expect(comment).toBe("Daily totals\nstrata:hash=abc123");
    expect(parseStrataHash(comment)).toBe("abc123");
    expect(stripStrataHash(comment)).toBe("Daily totals");
    expect(parseStrataHash("just a description")).toBeUndefined();
    expect(parseStrataHash(null)).toBeUndefined();
    expect(() => formatStrataHash("not hex")).toThrow("lowercase hex");
  });
});

describe("isTransientError", () => {
  it("retries serialization failures, deadlocks, shutdowns and dropped connections only", () => {
    for (const code of ["40001", "40P01", "57P01", "08006", "08003", "ECONNRESET"]) expect(isTransientError(new WarehouseError("x", code))).toBe(true);
    expect(isTransientError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(true);
    expect(isTransientError(new Error("Connection terminated unexpectedly"))).toBe(true);
    for (const code of ["42P01", "42601", "23505", undefined]) expect(isTransientError(new WarehouseError("x", code))).toBe(false);
    expect(isTransientError(new CancelledError())).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});
