// includes/dialect.js emits PostgreSQL or Trino by the compiled warehouse; landing contracts
// become an external table plus a typed view on Athena.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { Parser } from "node-sql-parser";
import { describe, expect, it } from "vitest";
import { parseContract } from "../../src/load/contract";
import { externalTableForContract, mysqlFormat } from "../../src/plan/athena/external-table";
import { assertParses } from "./sql-check";

const ROOT = path.resolve(__dirname, "../../..");
const parser = new Parser();

/** Loads includes/dialect.js the way the compiler does: a vm context with `dataform` as a global. */
function loadDialect(warehouse: string) {
  const context = vm.createContext({ dataform: { projectConfig: { warehouse } } });
  const fn = vm.compileFunction(fs.readFileSync(path.join(ROOT, "includes/dialect.js"), "utf8"), ["module", "exports"], { parsingContext: context });
  const module = { exports: {} as Record<string, (...args: unknown[]) => string> };
  fn(module, module.exports);
  return module.exports;
}

describe("includes/dialect.js", () => {
  const pg = loadDialect("postgres");
  const trino = loadDialect("athena");

  it("emits the engine's syntax for each helper", () => {
    expect(pg.name()).toBe("postgres");
    expect(trino.name()).toBe("athena");
    expect(pg.dateAdd("day", 7, "order_date")).toBe("(order_date + (7) * interval '1 day')");
    expect(trino.dateAdd("day", 7, "order_date")).toBe("date_add('day', 7, order_date)");
    expect(pg.dateDiff("day", "a", "b")).toBe("(cast(b as date) - cast(a as date))");
    expect(trino.dateDiff("month", "a", "b")).toBe("date_diff('month', a, b)");
    expect(pg.cast("amount", "numeric(12,2)")).toBe("cast(amount as numeric(12, 2))");
    expect(trino.cast("amount", "numeric")).toBe("cast(amount as decimal(38, 9))");
    expect(trino.cast("name", "text")).toBe("cast(name as varchar)");
    expect(pg.stringAgg("name", ", ", "name")).toBe("string_agg(name, ', ' order by name)");
    expect(trino.stringAgg("name", ", ", "name")).toBe("array_join(array_agg(name order by name), ', ')");
    expect(pg.toDate("d", "DD/MM/YYYY")).toBe("to_date(d, 'DD/MM/YYYY')");
    expect(trino.toDate("d", "DD/MM/YYYY")).toBe("cast(date_parse(d, '%d/%m/%Y') as date)");
    expect(trino.interval(2, "week")).toBe("interval '14' day");
    expect(() => trino.dateAdd("fortnight", 1, "x")).toThrow('dialect: unknown date unit "fortnight"');
  });

  it("every helper's output parses in its engine's grammar", () => {
    const samples = (d: Record<string, (...args: unknown[]) => string>) => [
      `select ${d.dateAdd("month", 1, "order_date")} as x from t`,
      `select ${d.dateTrunc("month", "order_date")} as x from t`,
      ...["day", "week", "month", "year", "hour"].map((u) => `select ${d.dateDiff(u, "a", "b")} as x from t`),
      `select ${d.cast("amount", "numeric(12,2)")}, ${d.cast("x", "double")}, ${d.cast("y", "timestamp")} from t`,
      `select ${d.stringAgg("name", ",", "name")} as names from t`,
      `select ${d.toDate("d", "DD/MM/YYYY")}, ${d.toTimestamp("ts")} from t`,
      `select ${d.md5("name")}, ${d.epochSeconds("ts")}, ${d.intDiv("a", "b")} from t`,
      d.dateSeries("date '2024-01-01'", "date '2024-01-31'"),
    ];
    for (const sql of samples(trino)) assertParses(sql);
    for (const sql of samples(pg)) expect(() => parser.astify(sql, { database: "postgresql" }), sql).not.toThrow();
  });
});

describe("includes/dialect.js on a real PostgreSQL (PGlite)", () => {
  it("computes the documented values", async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = new PGlite();
    try {
      const d = loadDialect("postgres");
      const a = "timestamp '2024-01-31 10:00:00'";
      const b = "timestamp '2024-03-01 12:30:00'";
      const sql = `select
        cast(${d.dateAdd("day", 7, "date '2024-02-25'", { asDate: true } as never)} as text) as plus_week,
        ${d.dateDiff("day", a, b)} as days, ${d.dateDiff("week", a, b)} as weeks, ${d.dateDiff("month", a, b)} as months,
        ${d.dateDiff("year", a, b)} as years, ${d.dateDiff("hour", a, b)} as hours,
        cast(${d.cast("'12.345'", "numeric(12,2)")} as text) as amount,
        cast(${d.toDate("'31/12/2024'", "DD/MM/YYYY")} as text) as parsed,
        cast(${d.toTimestamp("'2024-12-31 23:59:58'")} as text) as parsed_ts,
        ${d.md5("'abc'")} as hash, ${d.intDiv("7", "2")} as half,
        (select ${d.stringAgg("x", ",", "x")} from (values ('b'), ('a')) as v(x)) as names,
        (select count(*) from (${d.dateSeries("date '2024-01-01'", "date '2024-01-31'")}) as s) as days_in_jan`;
      const { rows } = await db.query(sql);
      expect(rows[0]).toEqual({
        plus_week: "2024-03-03",
        days: 30,
        weeks: "4",
        months: 1,
        years: 0,
        hours: 722,
        amount: "12.35",
        parsed: "2024-12-31",
        parsed_ts: "2024-12-31 23:59:58",
        hash: "900150983cd24fb0d6963f7d28e17f72",
        half: "3",
        names: "a,b",
        days_in_jan: 31,
      });
    } finally {
      await db.close();
    }
  });
});

describe("landing contracts on Athena", () => {
  const contractText = `
source: crm_customers
table: landing.crm_customers
format: csv
csv: { delimiter: ";", header: true }
columns:
  - { name: customer_id, type: integer, required: true }
  - { name: name, type: text }
  - { name: signup_date, type: date, format: "DD/MM/YYYY" }
  - { name: credit_limit, type: numeric, decimal: ",", thousands: "." }
  - { name: active, type: boolean }
  - { name: updated_at, type: timestamp }
`;

  it("emits an OpenCSVSerDe external table over the source's S3 prefix and a typed view", () => {
    const contract = parseContract(contractText, { file: "landing/crm_customers/contract.yaml", dir: "/p/landing/crm_customers" });
    const sql = externalTableForContract(contract, { s3Landing: "s3://lake/landing" });
    expect(sql.location).toBe("s3://lake/landing/crm_customers/");
    expect(sql.statements[0]).toBe(
      [
        "create external table if not exists `landing`.`crm_customers__raw` (",
        "  `customer_id` string,",
        "  `name` string,",
        "  `signup_date` string,",
        "  `credit_limit` string,",
        "  `active` string,",
        "  `updated_at` string",
        ")",
        "row format serde 'org.apache.hadoop.hive.serde2.OpenCSVSerde'",
        "with serdeproperties ('separatorChar' = ';', 'quoteChar' = '\"', 'escapeChar' = '\\\\')",
        "stored as textfile",
        "location 's3://lake/landing/crm_customers/'",
        "tblproperties ('skip.header.line.count' = '1')",
      ].join("\n"),
    );
    const view = sql.statements[1];
    expect(view).toContain(`cast(date_parse(nullif(trim("signup_date"), ''), '%d/%m/%Y') as date) as "signup_date"`);
    expect(view).toContain(`cast(replace(replace(nullif(trim("credit_limit"), ''), '.', ''), ',', '.') as decimal(38, 9)) as "credit_limit"`);
    expect(view).toContain(`"$path" as "_source_file"`);
    expect(sql.notices).toContain("crm_customers: CSV columns are read by position on Athena: files must list the columns in the contract's order");
    for (const s of sql.statements) assertParses(s);
  });

  it("NDJSON goes through JsonSerDe; every contract of the reference platform yields valid DDL", () => {
    const json = parseContract(contractText.replace("format: csv", "format: ndjson").replace(/csv: .*\n/, ""), { file: "c.yaml", dir: "/p" });
    const sql = externalTableForContract(json, { s3Landing: "s3://lake/landing/" });
    expect(sql.statements[0]).toContain("row format serde 'org.openx.data.jsonserde.JsonSerDe'");
    expect(sql.statements[0]).not.toContain("skip.header");
    const landing = path.join(ROOT, "landing");
    const sources = fs.existsSync(landing) ? fs.readdirSync(landing).filter((d) => fs.existsSync(path.join(landing, d, "contract.yaml"))) : [];
    for (const source of sources) {
      const file = path.join(landing, source, "contract.yaml");
      const contract = parseContract(fs.readFileSync(file, "utf8"), { file: `landing/${source}/contract.yaml`, dir: path.dirname(file) });
      for (const s of externalTableForContract(contract, { s3Landing: "s3://lake/landing/" }).statements) assertParses(s);
    }
  });

  it("maps contract date tokens to date_parse specifiers", () => {
    expect(mysqlFormat("YYYY-MM-DD HH:mm:ss")).toBe("%Y-%m-%d %H:%i:%s");
  });
});
