// Values → COPY text per column type: what is accepted, how it is normalized, how a rejection reads.
import { describe, expect, it } from "vitest";
import type { ContractColumn } from "../../src/load/contract";
import { valueEncoder } from "../../src/load/column-values";
import { RowEncoder, rowHash, ContractViolation } from "../../src/load/row-encoder";
import { compileTemporalFormat } from "../../src/load/temporal-format";

const column = (over: Partial<ContractColumn>): ContractColumn => ({ name: "c", type: "text", required: false, decimal: ".", ...over });
const enc = (over: Partial<ContractColumn>) => valueEncoder(column(over));

describe("valueEncoder", () => {
  it("escapes text for COPY and rejects NUL and undecodable bytes", () => {
    const text = enc({ type: "text" });
    expect(text.encode("plain")).toBe("plain");
    expect(text.encode("a\tb\nc\\d\re")).toBe("a\\tb\\nc\\\\d\\re");
    expect(text.encode(42)).toBe("42");
    expect(text.encode("nul\0")).toBeUndefined();
    expect(text.explain("nul\0")).toBe('"nul\0" contains a NUL character');
    expect(text.encode("Caf\uFFFD")).toBeUndefined();
    expect(text.explain("Caf\uFFFD")).toMatch(/is not valid UTF-8 text \(set csv.encoding: latin1/);
    expect(text.encode({ a: 1 })).toBeUndefined();
  });

  it("checks integer and bigint syntax and range", () => {
    const int = enc({ type: "integer" });
    expect(["42", " -7 ", "+3", "007", "-0", "2147483647", "-2147483648"].map(int.encode)).toEqual(["42", "-7", "3", "7", "0", "2147483647", "-2147483648"]);
    expect(["2147483648", "1.5", "12x", "", "1e3"].map(int.encode)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(int.explain("2147483648")).toBe('"2147483648" is out of range for integer');
    expect(int.explain("12x")).toBe('"12x" is not an integer');
    expect(int.encode(12)).toBe("12");
    expect(int.encode(1.5)).toBeUndefined();
    const big = enc({ type: "bigint" });
    expect(big.encode("9223372036854775807")).toBe("9223372036854775807");
    expect(big.encode("-9223372036854775808")).toBe("-9223372036854775808");
    expect(big.encode("9223372036854775808")).toBeUndefined();
    expect(enc({ type: "integer", thousands: "," }).encode("1,234")).toBe("1234");
  });

  it("reads numerics with the column's separators", () => {
    const num = enc({ type: "numeric" });
    expect(["12.50", "-0.5", ".5", "1e3", "3"].map(num.encode)).toEqual(["12.50", "-0.5", ".5", "1e3", "3"]);
    expect(num.encode("12,x")).toBeUndefined();
    expect(num.explain("12,x")).toBe('"12,x" is not a numeric');
    expect(num.encode("1,234.5")).toBeUndefined(); // no thousands separator declared
    expect(num.encode("NaN")).toBeUndefined();
    const excel = enc({ type: "numeric", decimal: ",", thousands: "." });
    expect(excel.encode("1.234,50")).toBe("1234.50");
    expect(excel.encode(12.5)).toBe("12.5");
  });

  it("reads booleans in the usual spellings", () => {
    const b = enc({ type: "boolean" });
    expect(["true", "FALSE", "t", "f", "yes", "No", "y", "n", "1", "0", true, false, 1, 0].map(b.encode)).toEqual(
      ["t", "f", "t", "f", "t", "f", "t", "f", "t", "f", "t", "f", "t", "f"],
    );
    expect(b.encode("maybe")).toBeUndefined();
    expect(b.explain("maybe")).toMatch(/^"maybe" is not a boolean/);
  });

  it("parses dates and timestamps in the column's format, checking the calendar", () => {
    const d = enc({ type: "date", format: "DD/MM/YYYY" });
    expect(d.encode("03/01/2024")).toBe("2024-01-03");
    expect(d.encode("3/1/2024")).toBe("2024-01-03");
    expect(d.encode("29/02/2024")).toBe("2024-02-29");
    expect(d.encode("29/02/2023")).toBeUndefined();
    expect(d.encode("2024-01-03")).toBeUndefined();
    expect(d.explain("2024-01-03")).toBe('"2024-01-03" is not a date in format DD/MM/YYYY');
    const ts = enc({ type: "timestamp", format: "YYYY-MM-DDTHH:mm:ss" });
    expect(ts.encode("2024-01-03T10:04:05")).toBe("2024-01-03 10:04:05");
    expect(ts.encode("2024-01-03T10:04:05.123")).toBe("2024-01-03 10:04:05.123");
    expect(ts.encode("2024-01-03T24:00:00")).toBeUndefined();
    expect(compileTemporalFormat("YYYY-MM-DD HH:mm", "timestamp").parse!("2024-12-31 23:59")).toBe("2024-12-31 23:59:00");
    // The default ISO formats take a fast path; it must check exactly what the general one does.
    const isoDate = enc({ type: "date", format: "YYYY-MM-DD" });
    expect(["2024-02-29", "2024-1-5", "2023-02-29", "2024-13-01", "2024-00-10", "0000-01-01", "2024-01-3x", "2024/01/03"].map(isoDate.encode)).toEqual(
      ["2024-02-29", "2024-01-05", undefined, undefined, undefined, undefined, undefined, undefined],
    );
    const isoTs = enc({ type: "timestamp", format: "YYYY-MM-DD HH:mm:ss" });
    expect(["2024-01-03 23:59:59", "2024-01-03 24:00:00", "2024-01-03 10:60:00", "2024-01-03T10:00:00", "2024-01-03 10:00:00.5"].map(isoTs.encode)).toEqual(
      ["2024-01-03 23:59:59", undefined, undefined, undefined, "2024-01-03 10:00:00.5"],
    );
    expect(compileTemporalFormat("YYYY-MM", "date").problem).toBe("it needs DD (tokens: YYYY MM DD HH mm ss)");
    expect(compileTemporalFormat("YYYY-MM-DD HH", "date").problem).toMatch(/no time tokens/);
  });
});

describe("RowEncoder", () => {
  const columns = [column({ name: "id", type: "integer", required: true }), column({ name: "name" }), column({ name: "amount", type: "numeric" })];
  const encoder = new RowEncoder(columns, { label: "orders.csv" });

  it("builds one COPY line: the values and the row hash", () => {
    const line = encoder.encodeFields(["x", "12.5", "7", "Ann"], [2, 3, 1], 1);
    expect(line).toBe(`7\tAnn\t12.5\t${rowHash("7\tAnn\t12.5")}\n`);
    // The same row as a JSON object hashes the same: the hash is over normalized values.
    expect(encoder.encodeObject({ amount: "12.5", name: "Ann", id: 7 }, 1)).toBe(line);
    expect(encoder.encodeFields(["7", "", ""], [0, 1, 2], 1)).toContain("7\t\\N\t\\N\t");
  });

  it("hands each row's primary key to the key-order proof, whichever columns hold it", () => {
    const provenFor = (primaryKey: string[], rows: string[][], cols = columns) => {
      const keyed = new RowEncoder(cols, { label: "orders.csv", primaryKey });
      for (const [i, fields] of rows.entries()) keyed.encodeFields(fields, [0, 1, 2], i + 1);
      return keyed.keysProvenUnique;
    };
    const rows = [["1", "b", "9"], ["2", "a", ""], ["3", "a", "10"]];
    expect(provenFor(["id"], rows)).toBe(true);
    expect(provenFor(["name", "id"], [rows[1], rows[2], rows[0]])).toBe(true); // (a,2) (a,3) (b,1)
    expect(provenFor(["name"], rows)).toBe(false); // "a" twice
    expect(provenFor(["amount"], rows)).toBe(false); // numeric: left to the database
    // The key in the last column, which no TAB ends.
    const idLast = [columns[1], columns[2], columns[0]];
    expect(provenFor(["id"], [["b", "9", "1"], ["a", "", "10"]], idLast)).toBe(true);
    expect(provenFor(["id"], [["b", "9", "10"], ["a", "", "10"]], idLast)).toBe(false);
  });

  it("names the file, row, column and value of the first bad value", () => {
    expect(() => encoder.encodeFields(["1", "a", "12,x"], [0, 1, 2], 90000)).toThrow(
      new ContractViolation('orders.csv row 90000, column "amount": "12,x" is not a numeric'),
    );
    expect(() => encoder.encodeObject({ name: "a" }, 3)).toThrow('orders.csv row 3, column "id": missing required value');
  });
});
