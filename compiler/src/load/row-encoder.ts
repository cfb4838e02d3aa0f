// One parsed row → one line of COPY text: the contract's columns (validated, normalized) followed by
// `_row_hash`. (`_source_file` and `_loaded_at` are the same for every row of a file: the table's
// column defaults fill them, so the server does not parse them a million times.) This is the
// loader's hot path: no per-row objects beyond the line itself.
import { hash } from "node:crypto";
import type { ContractColumn } from "./contract";
import { valueEncoder, type ValueEncoder } from "./column-values";

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
}

/**
 * `_row_hash` is md5 of the row's normalized values in contract order, as COPY text: values joined
 * by tabs, NULL as `\N`. The same row hashes the same whatever the file's format or column order.
 */
export function rowHash(copyValues: string): string {
  return hash("md5", copyValues);
}

export class RowEncoder {
  private readonly encoders: ValueEncoder[];
  private readonly names: string[];
  private readonly required: boolean[];
  /** Reused for every row: one join instead of a chain of concatenations. */
  private readonly values: string[];

  constructor(
    columns: ContractColumn[],
    private readonly meta: RowMetadata,
  ) {
    this.encoders = columns.map(valueEncoder);
    this.names = columns.map((c) => c.name);
    this.required = columns.map((c) => c.required);
    this.values = columns.map(() => "");
  }

  /** A positional record (CSV); `positions[i]` is the record index of contract column i. */
  encodeFields(record: readonly string[], positions: ArrayLike<number>, row: number): string {
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const raw = record[positions[i]];
      values[i] = this.encodeValue(i, raw === "" ? undefined : raw, row);
    }
    return this.line(values.join("\t"));
  }

  /** A keyed record (JSON / NDJSON object). */
  encodeObject(record: Record<string, unknown>, row: number): string {
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const raw = record[this.names[i]];
      // A function can only come from Object.prototype (a column named "constructor" missing).
      values[i] = this.encodeValue(i, raw === "" || raw === null || typeof raw === "function" ? undefined : raw, row);
    }
    return this.line(values.join("\t"));
  }

  private line(data: string): string {
    return `${data}\t${rowHash(data)}\n`;
  }

  private encodeValue(i: number, raw: unknown, row: number): string {
    if (raw === undefined) {
      if (this.required[i]) this.reject(row, i, "missing required value");
      return "\\N";
    }
    const text = this.encoders[i].encode(raw);
    if (text === undefined) this.reject(row, i, this.encoders[i].explain(raw));
    return text as string;
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
