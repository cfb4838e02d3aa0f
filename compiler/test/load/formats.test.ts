// The CSV, JSON-array and NDJSON readers, fed in small chunks so rows, quotes and multi-byte
// characters straddle chunk boundaries as they do in big files.
import { describe, expect, it } from "vitest";
import { parseContract, type LandingContract } from "../../src/load/contract";
import { csvReader } from "../../src/load/formats/csv";
import type { FormatReaderFactory } from "../../src/load/formats/format-reader";
import { jsonArrayReader } from "../../src/load/formats/json-array";
import { ndjsonReader } from "../../src/load/formats/ndjson";
import { RowEncoder } from "../../src/load/row-encoder";

function contract(extra = ""): LandingContract {
  const text = `table: landing.orders
${extra}
columns:
  - {name: id, type: integer, required: true}
  - {name: note, type: text}
  - {name: amount, type: numeric}
`;
  return parseContract(text, { file: "landing/orders/contract.yaml", dir: "/p/landing/orders" });
}

/** Reads `input` through the format's reader in `chunk`-byte pieces; returns data columns per row. */
async function read(factory: FormatReaderFactory, c: LandingContract, input: string | Buffer, chunk = 7): Promise<string[][]> {
  const encoder = new RowEncoder(c.columns, { label: "orders.x" });
  const reader = factory(c, encoder);
  const bytes = typeof input === "string" ? Buffer.from(input) : input;
  let out = "";
  for (let i = 0; i < bytes.length; i += chunk) out += await reader.write(bytes.subarray(i, i + chunk));
  out += await reader.end();
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t").slice(0, c.columns.length));
}

const csv = contract();

describe("csvReader", () => {
  it("maps the header by name, handles quotes, newlines in fields, CRLF and a BOM", async () => {
    const file = '\uFEFFamount, id ,note\r\n12.50,1,"hello, ""world"""\r\n,2,"two\nlines"\r\n\r\n3,3,\r\n';
    expect(await read(csvReader, csv, file)).toEqual([
      ["1", 'hello, "world"', "12.50"],
      ["2", "two\\nlines", "\\N"],
      ["3", "\\N", "3"],
    ]);
  });

  it("decodes latin1 files and reads headerless files in contract order", async () => {
    const latin1 = contract("csv: {encoding: latin1, header: false, delimiter: ';'}");
    expect(await read(csvReader, latin1, Buffer.from("1;Café;2\n", "latin1"))).toEqual([["1", "Café", "2"]]);
  });

  it("rejects a wrong header, naming missing and unexpected columns", async () => {
    await expect(read(csvReader, csv, "id,note,amt\n1,a,2\n")).rejects.toThrow(
      'orders.x header: missing column "amount"; unexpected column "amt" (did you mean "amount"?)',
    );
  });

  it("rejects a row with the wrong number of fields, a bad value, broken quoting and an empty file", async () => {
    await expect(read(csvReader, csv, "id,note,amount\n1,a,2\n2,b\n")).rejects.toThrow("orders.x row 2: has 2 fields, expected 3");
    await expect(read(csvReader, csv, "id,note,amount\n1,a,2\n2,b,12,x\n")).rejects.toThrow("has 4 fields");
    await expect(read(csvReader, csv, "id,note,amount\n1,a,2\n2,b,\"12,x\"\n")).rejects.toThrow(
      'orders.x row 2, column "amount": "12,x" is not a numeric',
    );
    await expect(read(csvReader, csv, 'id,note,amount\n1,"open,2\n')).rejects.toThrow("orders.x row 1: a quoted field is not closed before the end of the file");
    await expect(read(csvReader, csv, "")).rejects.toThrow("orders.x is empty: no header row");
  });
});

describe("jsonArrayReader", () => {
  const json = contract("format: json");

  it("streams the elements of a top-level array, in any key order", async () => {
    const file = '\uFEFF [ {"note": "é\\t", "id": 1, "amount": 12.5}, {"id": 2, "note": null}, {"id": "3", "amount": "1e2", "note": ""} ]';
    expect(await read(jsonArrayReader, json, file, 5)).toEqual([
      ["1", "é\\t", "12.5"],
      ["2", "\\N", "\\N"],
      ["3", "\\N", "1e2"],
    ]);
    expect(await read(jsonArrayReader, json, "[]")).toEqual([]);
  });

  it("rejects a non-array, a non-object element, an unknown field, invalid and truncated JSON", async () => {
    await expect(read(jsonArrayReader, json, '{"id": 1}')).rejects.toThrow('orders.x is not a JSON array (it starts with "{")');
    await expect(read(jsonArrayReader, json, '[{"id": 1}, 2]')).rejects.toThrow("orders.x row 2: is not a JSON object");
    await expect(read(jsonArrayReader, json, '[{"id": 1, "amont": 2}]')).rejects.toThrow('orders.x row 1: unexpected field "amont" (did you mean "amount"?)');
    await expect(read(jsonArrayReader, json, '[{"id": 1}, {"id": 2,, }]')).rejects.toThrow(/^orders\.x: invalid JSON after row 1: /);
    await expect(read(jsonArrayReader, json, '[{"id": 1}, {"id": 2')).rejects.toThrow(/^orders\.x: invalid JSON after row 1: /);
    await expect(read(jsonArrayReader, json, '[{"id": 1}, {"id": "x"}]')).rejects.toThrow('orders.x row 2, column "id": "x" is not an integer');
    await expect(read(jsonArrayReader, json, "  ")).rejects.toThrow("orders.x is empty: expected a JSON array");
  });
});

describe("ndjsonReader", () => {
  const nd = contract("format: ndjson");

  it("reads one object per line, skipping blank lines, the last line without a newline", async () => {
    expect(await read(ndjsonReader, nd, '{"id": 1, "note": "a"}\n\n{"id": 2, "amount": 3}\r\n{"id": 3}')).toEqual([
      ["1", "a", "\\N"],
      ["2", "\\N", "3"],
      ["3", "\\N", "\\N"],
    ]);
  });

  it("names the line of invalid JSON and of a bad value", async () => {
    await expect(read(ndjsonReader, nd, '{"id": 1}\n{"id": 2\n')).rejects.toThrow(/^orders\.x line 2: invalid JSON: /);
    await expect(read(ndjsonReader, nd, '{"id": 1}\n\n{"note": "x"}\n')).rejects.toThrow('orders.x row 3, column "id": missing required value');
    await expect(read(ndjsonReader, nd, "[1]\n")).rejects.toThrow("orders.x line 1: is not a JSON object");
  });
});
