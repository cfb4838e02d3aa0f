// Checks shared by the JSON array and NDJSON readers.
import { suggest } from "../contract";
import type { RowEncoder } from "../row-encoder";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field the contract does not name rejects the file, as an unexpected CSV column does. */
export function checkFields(record: Record<string, unknown>, known: ReadonlySet<string>, row: number, encoder: RowEncoder): void {
  for (const key in record) {
    if (!known.has(key)) encoder.fail(`row ${row}: unexpected field "${key}"${suggest(key, [...known])}`);
  }
}
