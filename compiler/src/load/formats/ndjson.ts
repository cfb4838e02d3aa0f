// NDJSON: one JSON object per line, split on "\n" as bytes arrive; blank lines are skipped.
import type { LandingContract } from "../contract";
import type { RowEncoder } from "../row-encoder";
import { bomLength, type FormatReader } from "./format-reader";
import { checkFields, isPlainObject } from "./json-record";

export function ndjsonReader(_contract: LandingContract, encoder: RowEncoder): FormatReader {
  const known = new Set(encoder.columnNames);
  let rows = 0;
  let line = 0;
  let pending: Buffer | undefined;
  let first = true;

  const parseLine = (bytes: Buffer, start: number, end: number): void => {
    line += 1;
    const text = bytes.toString("utf8", start, end).trim();
    if (text === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      encoder.fail(`line ${line}: invalid JSON: ${(err as Error).message}`);
    }
    rows += 1;
    if (!isPlainObject(value)) encoder.fail(`line ${line}: is not a JSON object`);
    // Rows are numbered by line, so a message points at the line to open in an editor.
    checkFields(value, known, line, encoder);
    encoder.addObject(value, line);
  };

  return {
    get rows() {
      return rows;
    },
    write(chunk) {
      let data = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = undefined;
      if (first) {
        data = data.subarray(bomLength(data));
        first = false;
      }
      let start = 0;
      for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
        parseLine(data, start, nl);
        start = nl + 1;
      }
      if (start < data.length) pending = Buffer.from(data.subarray(start));
      return encoder.take();
    },
    end() {
      const rest = pending;
      pending = undefined;
      if (rest) parseLine(rest, 0, rest.length);
      return encoder.take();
    },
  };
}
