// CSV files: bytes split into records by CsvTokenizer, each record encoded to COPY text as soon as
// it is complete. UTF-8 files are never decoded to strings on the hot path: each chunk is checked to
// be valid UTF-8 at once (a file with a bad byte takes the per-value path, which names the row).
// Windows-1252 ("latin1") files are decoded and re-encoded as UTF-8 first.
import { isUtf8 } from "node:buffer";
import { suggest, type LandingContract } from "../contract";
import type { RowEncoder } from "../row-encoder";
import { ContractViolation } from "../row-encoder";
import { CsvSyntaxError, CsvTokenizer, type CsvRecord } from "./csv-tokenizer";
import { bomLength, type FormatReader } from "./format-reader";

export function csvReader(contract: LandingContract, encoder: RowEncoder): FormatReader {
  const names = encoder.columnNames;
  const hasHeader = contract.csv.header;
  let positions: Int32Array | undefined = hasHeader ? undefined : Int32Array.from(names, (_, i) => i);
  let width = names.length;
  let rows = 0;
  let first = true;

  const tokenizer = new CsvTokenizer(contract.csv, (record: CsvRecord) => {
    if (positions === undefined) {
      const header = record.toStrings();
      positions = headerPositions(header, names, encoder);
      width = header.length;
      return;
    }
    rows += 1;
    if (record.length !== width) encoder.fail(`row ${rows}: has ${record.length} fields, expected ${width}`);
    encoder.addRecord(record, positions, rows);
  });
  const toUtf8 = contract.csv.encoding === "latin1" ? latin1ToUtf8() : checkUtf8(encoder);

  const run = (step: () => void): Buffer => {
    try {
      step();
    } catch (err) {
      if (err instanceof CsvSyntaxError) {
        const row = hasHeader ? err.record - 1 : err.record;
        throw new ContractViolation(`${encoder.label} ${row < 1 ? "header" : `row ${row}`}: ${err.message}`);
      }
      throw err;
    }
    return encoder.take();
  };

  return {
    get rows() {
      return rows;
    },
    write: (chunk) =>
      run(() => {
        if (first) {
          chunk = chunk.subarray(bomLength(chunk));
          first = false;
        }
        tokenizer.write(toUtf8(chunk));
      }),
    end: () =>
      run(() => {
        tokenizer.write(toUtf8(Buffer.alloc(0), true));
        tokenizer.end();
        if (positions === undefined) encoder.fail("is empty: no header row");
      }),
  };
}

/**
 * Passes UTF-8 chunks through, checking each one (up to its last ASCII byte, so no character is
 * cut in two). From the first invalid byte on, the encoder checks every text value itself, and
 * the value that holds the bad byte is reported with its row and column.
 */
function checkUtf8(encoder: RowEncoder): (chunk: Buffer, last?: boolean) => Buffer {
  let unchecked: Buffer | undefined;
  return (chunk, last = false) => {
    if (encoder.checkUtf8) return chunk;
    const bytes = unchecked === undefined ? chunk : Buffer.concat([unchecked, chunk]);
    let cut = bytes.length;
    if (!last) while (cut > 0 && bytes[cut - 1] >= 0x80) cut -= 1;
    unchecked = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
    if (!isUtf8(bytes.subarray(0, cut))) encoder.checkUtf8 = true;
    return chunk;
  };
}

/** WHATWG "latin1" is Windows-1252, which is what Excel's "latin1" files really are. */
function latin1ToUtf8(): (chunk: Buffer) => Buffer {
  const decoder = new TextDecoder("latin1");
  return (chunk) => Buffer.from(decoder.decode(chunk, { stream: true }), "utf8");
}

/** Maps each contract column to its position in the header; the header must name exactly the columns. */
function headerPositions(header: string[], names: readonly string[], encoder: RowEncoder): Int32Array {
  const trimmed = header.map((h) => h.trim());
  const problems: string[] = [];
  const missing = names.filter((n) => !trimmed.includes(n));
  const unexpected = trimmed.filter((h) => !names.includes(h));
  for (const name of missing) problems.push(`missing column "${name}"`);
  for (const name of unexpected) problems.push(`unexpected column "${name}"${suggest(name, missing)}`);
  const repeated = trimmed.filter((h, i) => trimmed.indexOf(h) !== i);
  for (const name of new Set(repeated)) problems.push(`column "${name}" appears twice`);
  if (problems.length > 0) encoder.fail(`header: ${problems.join("; ")}`);
  return Int32Array.from(names, (n) => trimmed.indexOf(n));
}
