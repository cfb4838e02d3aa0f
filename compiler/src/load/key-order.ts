// Proves a landing file's primary key unique while its rows stream by, so the load can skip the
// database's check (a hash of every row of the file: 0.4 s for 300k order lines). Exports are
// usually written in key order, or as a few ascending runs (the day's orders, then the previous
// day's re-sent): keys that ascend within runs whose ranges do not overlap are all different.
// Anything else — a key out of order with an earlier run, a NULL part, a key type whose COPY text
// is not one spelling per value, more than MAX_RUNS runs — only leaves it unproven, and the
// database checks the file as before.
import type { ColumnType } from "./contract";

/** How a key part's COPY text compares: integers by value (canonical digits), others byte by byte. */
type PartOrder = "integer" | "bytes";

/** Key types whose COPY text (as RowEncoder writes it) is canonical: equal text ⇔ equal value. */
const PART_ORDER: Partial<Record<ColumnType, PartOrder>> = {
  integer: "integer",
  bigint: "integer",
  text: "bytes",
  date: "bytes",
  boolean: "bytes",
};

const MAX_RUNS = 16;
const MINUS = 45;

/** A key: its parts' bytes back to back, and where each part ends. */
interface Key {
  bytes: Uint8Array;
  ends: number[];
}

export class KeyOrder {
  private readonly orders: PartOrder[];
  private proven: boolean;
  /** Closed runs: [first key, last key]. */
  private readonly runs: [Key, Key][] = [];
  private first: Key | undefined;
  /** The previous row's key, in a buffer reused from row to row. */
  private last: Key = { bytes: Buffer.alloc(64), ends: [] };

  /** `keyTypes`: the contract types of the primary key's columns, in key order. */
  constructor(keyTypes: ColumnType[]) {
    this.orders = keyTypes.map((t) => PART_ORDER[t]!);
    this.proven = keyTypes.length > 0 && this.orders.every((o) => o !== undefined);
  }

  /** Whether every key seen so far is different from every other. */
  get unique(): boolean {
    return this.proven && (this.first === undefined || this.closesWithoutOverlap(this.first, this.last));
  }

  /** The next row's key: its parts are `row[starts[i]..ends[i]]`, in key order. */
  observe(row: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>): void {
    if (!this.proven) return;
    for (let i = 0; i < this.orders.length; i++) {
      // COPY's NULL (\N): NULL parts are not compared like values.
      if (ends[i] - starts[i] === 2 && row[starts[i]] === 92 && row[starts[i] + 1] === 78) {
        this.proven = false;
        return;
      }
    }
    if (this.first === undefined) {
      this.first = copyKey(row, starts, ends);
    } else if (compareRowToKey(this.orders, row, starts, ends, this.last) <= 0) {
      // The run ends: it must not overlap an earlier one, and a new one starts here.
      if (!this.closesWithoutOverlap(this.first, this.last) || this.runs.length + 2 > MAX_RUNS) {
        this.proven = false;
        return;
      }
      this.runs.push([this.first, copyKey(this.last.bytes, partStarts(this.last), this.last.ends)]);
      this.first = copyKey(row, starts, ends);
    }
    this.remember(row, starts, ends);
  }

  private closesWithoutOverlap(first: Key, last: Key): boolean {
    return this.runs.every(([f, l]) => compareKeys(this.orders, last, f) < 0 || compareKeys(this.orders, first, l) > 0);
  }

  private remember(row: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>): void {
    let length = 0;
    for (let i = 0; i < this.orders.length; i++) length += ends[i] - starts[i];
    if (this.last.bytes.length < length) this.last.bytes = Buffer.alloc(length * 2);
    const { bytes } = this.last;
    let at = 0;
    for (let i = 0; i < this.orders.length; i++) {
      for (let from = starts[i]; from < ends[i]; from++) bytes[at++] = row[from];
      this.last.ends[i] = at;
    }
  }
}

function partStarts(key: Key): number[] {
  return key.ends.map((_, i) => (i === 0 ? 0 : key.ends[i - 1]));
}

function copyKey(row: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>): Key {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < starts.length; i++) parts.push(row.subarray(starts[i], ends[i]));
  const bytes = Buffer.concat(parts);
  let at = 0;
  return { bytes, ends: parts.map((p) => (at += p.length)) };
}

function compareKeys(orders: PartOrder[], a: Key, b: Key): number {
  return compareRowToKey(orders, a.bytes, partStarts(a), a.ends, b);
}

/** The row's key against `key`: negative, 0 or positive. */
function compareRowToKey(orders: PartOrder[], row: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>, key: Key): number {
  for (let i = 0; i < orders.length; i++) {
    const keyStart = i === 0 ? 0 : key.ends[i - 1];
    const c = (orders[i] === "integer" ? compareIntegers : compareBytes)(row, starts[i], ends[i], key.bytes, keyStart, key.ends[i]);
    if (c !== 0) return c;
  }
  return 0;
}

function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i] - b[bStart + i];
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Canonical integers (no leading zeros or "+", "-" for negatives): by sign, then length, then digits. */
function compareIntegers(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const aNegative = a[aStart] === MINUS;
  const bNegative = b[bStart] === MINUS;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  const magnitude = aEnd - aStart - (bEnd - bStart) || compareBytes(a, aStart, aEnd, b, bStart, bEnd);
  return aNegative ? -magnitude : magnitude;
}
