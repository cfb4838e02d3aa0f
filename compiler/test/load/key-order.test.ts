// KeyOrder: proving a file's primary key unique from the order its keys arrive in, or leaving it
// to the database.
import { describe, expect, it } from "vitest";
import type { ColumnType } from "../../src/load/contract";
import { KeyOrder } from "../../src/load/key-order";

/** Feeds keys (each a list of COPY texts, one per part) through a KeyOrder; returns whether they are proven unique. */
function proven(types: ColumnType[], keys: string[][]): boolean {
  const order = new KeyOrder(types);
  for (const parts of keys) {
    const row = Buffer.from(parts.join("\t"));
    const starts: number[] = [];
    const ends: number[] = [];
    let at = 0;
    for (const part of parts) {
      starts.push(at);
      ends.push(at + Buffer.byteLength(part));
      at += Buffer.byteLength(part) + 1;
    }
    order.observe(row, starts, ends);
  }
  return order.unique;
}

const ints = (...ids: number[]) => ids.map((id) => [String(id)]);

describe("KeyOrder", () => {
  it("proves keys in one ascending run, or in runs whose ranges do not overlap", () => {
    expect(proven(["integer"], [])).toBe(true);
    expect(proven(["integer"], ints(1, 2, 3, 7))).toBe(true);
    // The day's new orders, then the previous day's re-sent ones (the generator's files).
    expect(proven(["bigint"], ints(43000001, 43000002, 43000009, 42000012, 42000100, 42093871))).toBe(true);
    expect(proven(["integer"], ints(20, 21, 10, 11, 1, 2))).toBe(true);
  });

  it("does not prove keys that repeat or whose runs overlap", () => {
    expect(proven(["integer"], ints(1, 2, 2, 3))).toBe(false);
    expect(proven(["integer"], ints(1, 2, 3, 1))).toBe(false);
    expect(proven(["integer"], ints(1, 5, 2, 3))).toBe(false);
    // Each run alone is fine, and the second and third do not overlap; the first and third do.
    expect(proven(["integer"], ints(10, 20, 1, 2, 0, 15))).toBe(false);
  });

  it("compares integers by value, negative ones too, and text byte by byte", () => {
    expect(proven(["integer"], ints(8, 9, 10, 11, 100))).toBe(true);
    expect(proven(["integer"], ints(-10, -9, -1, 0, 5))).toBe(true);
    expect(proven(["integer"], ints(-1, -2))).toBe(true);
    expect(proven(["integer"], ints(-2, -1, -2))).toBe(false);
    expect(proven(["text"], [["BA-00009"], ["BA-00010"], ["a"], ["b"]])).toBe(true);
    expect(proven(["text"], [["b"], ["a"], ["b"]])).toBe(false);
  });

  it("orders composite keys part by part", () => {
    const lines = [["43000001", "1"], ["43000001", "2"], ["43000002", "1"], ["42000012", "1"], ["42000012", "2"]];
    expect(proven(["bigint", "integer"], lines)).toBe(true);
    expect(proven(["bigint", "integer"], [...lines, ["43000001", "2"]])).toBe(false);
    expect(proven(["text", "date"], [["DE", "2024-01-01"], ["DE", "2025-01-01"], ["FR", "2024-01-01"]])).toBe(true);
  });

  it("leaves NULL parts, non-canonical key types and too many runs to the database", () => {
    expect(proven(["integer"], [["1"], ["\\N"], ["2"]])).toBe(false);
    // numeric and timestamp texts have several spellings of one value ("1.0", "1.00").
    expect(proven(["numeric"], [["1.0"], ["1.00"]])).toBe(false);
    expect(proven(["timestamp"], [["2024-01-01 00:00:00"]])).toBe(false);
    const manyRuns = Array.from({ length: 17 }, (_, run) => [String(1000 - 10 * run), String(1001 - 10 * run)]).flat();
    expect(proven(["integer"], manyRuns.map((id) => [id]))).toBe(false);
    expect(proven(["integer"], manyRuns.slice(0, 32).map((id) => [id]))).toBe(true);
  });
});
