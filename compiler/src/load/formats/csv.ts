// CSV files: bytes decoded as a stream (UTF-8 or Windows-1252/latin1, a BOM stripped), split into
// records by CsvTokenizer, each record encoded to COPY text as soon as it is complete.
import { suggest, type LandingContract } from "../contract";
import type { RowEncoder } from "../row-encoder";
import { ContractViolation } from "../row-encoder";
import { CsvSyntaxError, CsvTokenizer } from "./csv-tokenizer";
import type { FormatReader } from "./format-reader";

export function csvReader(contract: LandingContract, encoder: RowEncoder): FormatReader {
  const names = encoder.columnNames;
  const hasHeader = contract.csv.header;
  let positions: Int32Array | undefined = hasHeader ? undefined : Int32Array.from(names, (_, i) => i);
  let width = names.length;
  let rows = 0;
  let out = "";

  const tokenizer = new CsvTokenizer(contract.csv, (record) => {
    if (positions === undefined) {
      positions = headerPositions(record, names, encoder);
      width = record.length;
      return;
    }
    rows += 1;
    if (record.length !== width) encoder.fail(`row ${rows}: has ${record.length} fields, expected ${width}`);
    out += encoder.encodeFields(record, positions, rows);
  });
  // WHATWG "latin1" is Windows-1252, which is what Excel's "latin1" files really are.
  const decoder = new TextDecoder(contract.csv.encoding === "latin1" ? "latin1" : "utf-8");

  const run = (step: () => void): string => {
    try {
      step();
    } catch (err) {
      if (err instanceof CsvSyntaxError) {
        const row = hasHeader ? err.record - 1 : err.record;
        throw new ContractViolation(`${encoder.label} ${row < 1 ? "header" : `row ${row}`}: ${err.message}`);
      }
      throw err;
    }
    const text = out;
    out = "";
    return text;
  };

  return {
    get rows() {
      return rows;
    },
    write: (chunk) => run(() => tokenizer.write(decoder.decode(chunk, { stream: true }))),
    end: () =>
      run(() => {
        tokenizer.write(decoder.decode());
        tokenizer.end();
        if (positions === undefined) encoder.fail("is empty: no header row");
      }),
  };
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
