// Parsed rows → COPY text bytes: per row, the contract's columns (validated, normalized) followed by
// `_row_hash`. (`_source_file` and `_loaded_at` are the same for every row of a file: the table's
// column defaults fill them, so the server does not parse them a million times.) This is the
// loader's hot path: rows are written straight into one reusable byte buffer, the common value
// shapes are checked byte by byte and copied as they are, and the hash is computed in place.
import type { ColumnType, ContractColumn } from "./contract";
import { valueEncoder, type ValueEncoder } from "./column-values";
import { md5Hex } from "./md5";
import type { CsvRecord } from "./formats/csv-tokenizer";
import { isIsoTemporalBytes } from "./temporal-format";
import { KeyOrder } from "./key-order";

/** A file does not match its contract; `reason` names the file, row, column and value. */
export class ContractViolation extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ContractViolation";
  }
}

export interface RowMetadata {
  /** The file's label in messages (its name), e.g. `orders_2024-01-03.csv`. */
  label: string;
  /** The contract's primary key: its values are watched for order (see key-order.ts). */
  primaryKey?: string[];
}

/**
 * `_row_hash` is md5 of the row's normalized values in contract order, as COPY text (UTF-8): values
 * joined by tabs, NULL as `\N`. The same row hashes the same whatever the file's format or column order.
 */
export function rowHash(copyValues: string): string {
  const bytes = Buffer.from(copyValues);
  const out = Buffer.alloc(32);
  md5Hex(bytes, 0, bytes.length, out, 0);
  return out.toString("latin1");
}

/**
 * Byte shapes whose COPY text needs no string: plain digits for integers, `123.45` numerics
 * (default separators), ISO dates/timestamps and text with nothing to escape are copied as they
 * are (COPY_AS_IS); `true`/`false` become one byte (`t`/`f`). Anything else (NOT_FAST) goes
 * through the column's ValueEncoder.
 */
type FastPath = (bytes: Uint8Array, start: number, end: number) => number;
const NOT_FAST = -1;
const COPY_AS_IS = 0;
const asIs = (ok: boolean) => (ok ? COPY_AS_IS : NOT_FAST);

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const NULL_TEXT = Buffer.from("\\N");
const INITIAL_BYTES = 1 << 18;

export class RowEncoder {
  private readonly encoders: ValueEncoder[];
  private readonly fastPaths: (FastPath | undefined)[];
  private readonly names: string[];
  private readonly required: boolean[];
  /** Where each column's value starts in the row being added (its end: the next one's TAB). */
  private readonly valueStarts: number[];
  /** The column of each primary key part, and where the row's key parts start and end. */
  private readonly keyColumns: number[];
  private readonly keyStarts: number[];
  private readonly keyEnds: number[];
  private readonly keyOrder: KeyOrder | undefined;
  private out = Buffer.allocUnsafe(INITIAL_BYTES);
  private length = 0;
  /** Set by the CSV reader once the file has a byte that is not UTF-8: every value then takes the checked path. */
  checkUtf8 = false;

  constructor(
    columns: ContractColumn[],
    private readonly meta: RowMetadata,
  ) {
    this.encoders = columns.map(valueEncoder);
    this.fastPaths = columns.map(fastPath);
    this.names = columns.map((c) => c.name);
    this.required = columns.map((c) => c.required);
    this.valueStarts = columns.map(() => 0);
    const key = meta.primaryKey ?? [];
    this.keyColumns = key.map((k) => this.names.indexOf(k));
    this.keyStarts = key.map(() => 0);
    this.keyEnds = key.map(() => 0);
    const keyTypes = this.keyColumns.map((c) => columns[c]?.type);
    this.keyOrder = key.length > 0 && keyTypes.every((t) => t !== undefined) ? new KeyOrder(keyTypes as ColumnType[]) : undefined;
  }

  /** Whether the primary key of every row added so far is proven different from every other's. */
  get keysProvenUnique(): boolean {
    return this.keyOrder?.unique ?? false;
  }

  /** Appends a CSV record; `positions[i]` is the record index of contract column i. */
  addRecord(record: CsvRecord, positions: ArrayLike<number>, row: number): void {
    const rowStart = this.length;
    const { starts, ends } = record;
    for (let i = 0; i < this.names.length; i++) {
      if (i > 0) this.byte(TAB);
      this.valueStarts[i] = this.length;
      const f = positions[i];
      const start = starts[f];
      const end = ends[f];
      if (start === end) {
        this.missing(i, row);
        continue;
      }
      const fast = this.fastPaths[i];
      const shape = fast !== undefined && record.doubled[f] === 0 && !this.checkUtf8 ? fast(record.bytes, start, end) : NOT_FAST;
      if (shape === COPY_AS_IS) {
        // A loop, not Buffer.copy: values are a few bytes, and the native call costs more.
        this.reserve(end - start);
        const { bytes } = record;
        const out = this.out;
        let to = this.length;
        for (let from = start; from < end; from++) out[to++] = bytes[from];
        this.length = to;
      } else if (shape > 0) {
        this.byte(shape);
      } else {
        this.put(i, record.text(f), row);
      }
    }
    this.endRow(rowStart);
  }

  /** Appends a keyed record (JSON / NDJSON object). */
  addObject(record: Record<string, unknown>, row: number): void {
    const rowStart = this.length;
    for (let i = 0; i < this.names.length; i++) {
      if (i > 0) this.byte(TAB);
      this.valueStarts[i] = this.length;
      const raw = record[this.names[i]];
      // A function can only come from Object.prototype (a column named "constructor" missing).
      if (raw === undefined || raw === "" || raw === null || typeof raw === "function") this.missing(i, row);
      else this.put(i, raw, row);
    }
    this.endRow(rowStart);
  }

  /** The COPY bytes of the rows added since the last call (a copy: the buffer is reused). */
  take(): Buffer {
    const chunk = Buffer.from(this.out.subarray(0, this.length));
    this.length = 0;
    return chunk;
  }

  /** One positional record as a COPY line (tests and small inputs). */
  encodeFields(record: readonly string[], positions: ArrayLike<number>, row: number): string {
    const rowStart = this.length;
    for (let i = 0; i < this.names.length; i++) {
      if (i > 0) this.byte(TAB);
      this.valueStarts[i] = this.length;
      const raw = record[positions[i]];
      if (raw === "" || raw === undefined) this.missing(i, row);
      else this.put(i, raw, row);
    }
    this.endRow(rowStart);
    return this.take().toString();
  }

  /** One keyed record as a COPY line (tests and small inputs). */
  encodeObject(record: Record<string, unknown>, row: number): string {
    this.addObject(record, row);
    return this.take().toString();
  }

  private missing(i: number, row: number): void {
    if (this.required[i]) {
      this.length = 0;
      this.reject(row, i, "missing required value");
    }
    this.reserve(2);
    NULL_TEXT.copy(this.out, this.length);
    this.length += 2;
  }

  private put(i: number, raw: unknown, row: number): void {
    const text = this.encoders[i].encode(raw);
    if (text === undefined) {
      this.length = 0;
      this.reject(row, i, this.encoders[i].explain(raw));
    }
    this.reserve(text.length * 3);
    this.length += this.out.write(text, this.length, "utf8");
  }

  /** `\t` + md5 of the row's values + `\n`. */
  private endRow(rowStart: number): void {
    if (this.keyOrder) this.observeKey();
    this.reserve(34);
    const dataEnd = this.length;
    this.out[dataEnd] = TAB;
    md5Hex(this.out, rowStart, dataEnd, this.out, dataEnd + 1);
    this.out[dataEnd + 33] = NEWLINE;
    this.length = dataEnd + 34;
  }

  /** Hands the row's key parts (each column's value runs up to the next column's TAB) to keyOrder. */
  private observeKey(): void {
    const last = this.names.length - 1;
    for (let p = 0; p < this.keyColumns.length; p++) {
      const c = this.keyColumns[p];
      this.keyStarts[p] = this.valueStarts[c];
      this.keyEnds[p] = c < last ? this.valueStarts[c + 1] - 1 : this.length;
    }
    this.keyOrder!.observe(this.out, this.keyStarts, this.keyEnds);
  }

  private byte(b: number): void {
    this.reserve(1);
    this.out[this.length++] = b;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.length + bytes));
    this.out.copy(bigger, 0, 0, this.length);
    this.out = bigger;
  }

  private reject(row: number, column: number, what: string): never {
    throw new ContractViolation(`${this.meta.label} row ${row}, column "${this.names[column]}": ${what}`);
  }

  /** Rejects the file as a whole (header, structure), naming it. */
  fail(what: string): never {
    throw new ContractViolation(`${this.meta.label} ${what}`);
  }

  get columnNames(): readonly string[] {
    return this.names;
  }

  get label(): string {
    return this.meta.label;
  }
}

const isDigit = (b: number) => b >= 48 && b <= 57;

function fastPath(column: ContractColumn): FastPath | undefined {
  switch (column.type) {
    case "text":
      return (bytes, start, end) => asIs(plainText(bytes, start, end));
    case "integer":
      return (bytes, start, end) => asIs(plainDigits(bytes, start, end, 9));
    case "bigint":
      return (bytes, start, end) => asIs(plainDigits(bytes, start, end, 18));
    case "numeric":
      return column.thousands === undefined && column.decimal === "." ? (bytes, start, end) => asIs(plainDecimal(bytes, start, end)) : undefined;
    case "boolean":
      return trueOrFalse;
    case "date":
      return column.format === "YYYY-MM-DD" ? (bytes, start, end) => asIs(end - start === 10 && isIsoTemporalBytes(bytes, start, end)) : undefined;
    case "timestamp":
      return column.format === "YYYY-MM-DD HH:mm:ss" ? (bytes, start, end) => asIs(end - start === 19 && isIsoTemporalBytes(bytes, start, end)) : undefined;
  }
}

/**
 * Text with nothing COPY must escape, in a chunk known to be valid UTF-8. 0xEF may start U+FFFD (a
 * decoding error in the source system), which the checked path rejects.
 */
function plainText(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b < 32 || b === BACKSLASH || b === 0xef) return false;
  }
  return true;
}

const T = 116;
const F = 102;
/** `true` → `t`, `false` → `f` (lower case, the usual spelling); other spellings take the slow path. */
function trueOrFalse(bytes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  const b = bytes[start];
  if (n === 4 && b === T && bytes[start + 1] === 114 && bytes[start + 2] === 117 && bytes[start + 3] === 101) return T;
  if (n === 5 && b === F && bytes[start + 1] === 97 && bytes[start + 2] === 108 && bytes[start + 3] === 115 && bytes[start + 4] === 101) return F;
  return NOT_FAST;
}

/** 1 to `max` digits with no leading zero (or "0"). */
function plainDigits(bytes: Uint8Array, start: number, end: number, max: number): boolean {
  const n = end - start;
  if (n > max || (n > 1 && bytes[start] === 48)) return false;
  for (let i = start; i < end; i++) if (!isDigit(bytes[i])) return false;
  return true;
}

/** `digits` or `digits.digits`. */
function plainDecimal(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && isDigit(bytes[i])) i++;
  if (i === start) return false;
  if (i === end) return true;
  if (bytes[i] !== 46 || i + 1 === end) return false;
  for (i += 1; i < end; i++) if (!isDigit(bytes[i])) return false;
  return true;
}
