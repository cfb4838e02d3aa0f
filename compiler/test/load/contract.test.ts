// contract.yaml parsing: defaults, per-column formats, and one precise error (file:line:col) for
// each kind of mistake.
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors";
import { parseContract } from "../../src/load/contract";

const where = { file: "landing/crm_customers/contract.yaml", dir: "/p/landing/crm_customers" };

const FULL = `source: crm_customers
table: landing.crm_customers
description: Customers exported from the CRM (daily CSV)
format: csv
files: "*.csv"
csv:
  delimiter: ";"
  encoding: latin1
dateFormat: "YYYY-MM-DD"
decimal: "."
primaryKey: [customer_id]
tags: [daily]
columns:
  - name: customer_id
    type: integer
    description: CRM customer number
  - name: signup_date
    type: date
    format: "DD/MM/YYYY"
  - name: credit_limit
    type: numeric
    decimal: ","
    thousands: "."
  - name: seen_at
    type: timestamp
    nullable: false
`;

function errorOf(text: string): UserError {
  try {
    parseContract(text, where);
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("expected a UserError");
}

describe("parseContract", () => {
  it("reads every documented key and resolves per-column defaults", () => {
    const c = parseContract(FULL, where);
    expect(c).toMatchObject({
      source: "crm_customers",
      table: { schema: "landing", name: "crm_customers" },
      format: "csv",
      files: ["*.csv"],
      csv: { delimiter: ";", quote: '"', encoding: "latin1", header: true },
      primaryKey: ["customer_id"],
      tags: ["daily"],
    });
    expect(c.columns.map((col) => [col.name, col.type, col.required, col.format, col.decimal, col.thousands])).toEqual([
      ["customer_id", "integer", true, undefined, ".", undefined], // primary key → required
      ["signup_date", "date", false, "DD/MM/YYYY", ".", undefined],
      ["credit_limit", "numeric", false, undefined, ",", "."],
      ["seen_at", "timestamp", true, "YYYY-MM-DD HH:mm:ss", ".", undefined], // nullable: false → required
    ]);
    expect(c.columns[0]).toMatchObject({ description: "CRM customer number", line: 14 });
  });

  it("defaults the source to the folder name and the file glob to the format", () => {
    const c = parseContract("table: landing.events\nformat: ndjson\ncolumns:\n  - {name: id, type: bigint}\n", where);
    expect(c.source).toBe("crm_customers");
    expect(c.files).toEqual(["*.ndjson"]);
  });

  it("rejects an unknown key with the closest valid one, at its line and column", () => {
    const e = errorOf("table: landing.x\ncolums:\n  - {name: id, type: text}\n");
    expect(e.oneLine()).toBe(`${where.file}:2:1: unknown key "colums" in contract (did you mean "columns"?)`);
    const col = errorOf("table: landing.x\ncolumns:\n  - name: id\n    tpye: text\n");
    expect(col.oneLine()).toBe(`${where.file}:4:5: unknown key "tpye" in column (did you mean "type"?)`);
  });

  it("rejects a bad type, naming the closest one", () => {
    const e = errorOf("table: landing.x\ncolumns:\n  - name: id\n    type: integr\n");
    expect(e.oneLine()).toBe(
      `${where.file}:4:11: column "id" has unknown type "integr" (did you mean "integer"?); types: text, integer, bigint, numeric, boolean, date, timestamp`,
    );
  });

  it("rejects bad YAML with its line", () => {
    const e = errorOf("table: landing.x\ncolumns:\n  - name: id\n   type: [text\n");
    expect(e.message).toMatch(/^invalid YAML: /);
    expect(e.place).toMatchObject({ file: where.file, line: expect.any(Number) });
    expect(e.exitCode).toBe(2);
  });

  it.each([
    ["columns:\n  - {name: id, type: text}\n", 1, /needs "table: <schema>.<name>"/],
    ["table: x.y.z\ncolumns:\n  - {name: id, type: text}\n", 1, /table "x.y.z" must be "<schema>.<name>"/],
    ["table: landing.x\nformat: xml\ncolumns:\n  - {name: id, type: text}\n", 2, /format "xml" is not one of csv, json, ndjson/],
    ["table: landing.x\ncolumns: []\n", 2, /"columns" must be a non-empty list/],
    ["table: landing.x\ncolumns:\n  - {name: id, type: text}\n  - {name: id, type: integer}\n", 4, /column "id" is listed twice/],
    ["table: landing.x\ncolumns:\n  - {name: _row_hash, type: text}\n", 3, /reserved for load metadata/],
    ["table: landing.x\nprimaryKey: [idd]\ncolumns:\n  - {name: id, type: text}\n", 2, /primaryKey column "idd" is not a column \(did you mean "id"\?\)/],
    ["table: landing.x\ncolumns:\n  - {name: d, type: date, format: DD-MM}\n", 3, /date format "DD-MM": it needs YYYY/],
    ["table: landing.x\ncolumns:\n  - {name: n, type: integer, format: YYYY}\n", 3, /format applies only to date and timestamp columns/],
    ["table: landing.x\ncolumns:\n  - {name: n, type: text, required: yes please}\n", 3, /required must be true or false/],
    ["table: landing.x\nformat: json\ncsv: {delimiter: ';'}\ncolumns:\n  - {name: n, type: text}\n", 3, /"csv" options apply only to format: csv/],
    ["table: landing.x\ncsv: {delimiter: ';;'}\ncolumns:\n  - {name: n, type: text}\n", 2, /csv.delimiter must be a single ASCII character/],
    ["table: landing.x\ncsv: {delimiter: '§'}\ncolumns:\n  - {name: n, type: text}\n", 2, /csv.delimiter must be a single ASCII character/],
    ["table: landing.x\ncolumns:\n  - {name: n, type: numeric, decimal: ',', thousands: ','}\n", 3, /separators must differ/],
  ])("rejects %j at line %i", (text, line, message) => {
    const e = errorOf(text);
    expect(e.message).toMatch(message);
    expect(e.place.line).toBe(line);
  });
});
