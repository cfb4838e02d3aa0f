// A JSON file holding one top-level array of objects, parsed as a stream (@streamparser/json) so the
// array never sits in memory: each element is encoded and dropped as soon as it closes.
import { JSONParser } from "@streamparser/json";
import type { LandingContract } from "../contract";
import { ContractViolation, type RowEncoder } from "../row-encoder";
import { bomLength, type FormatReader } from "./format-reader";
import { checkFields, isPlainObject } from "./json-record";

export function jsonArrayReader(_contract: LandingContract, encoder: RowEncoder): FormatReader {
  const known = new Set(encoder.columnNames);
  const parser = new JSONParser({ paths: ["$.*"], keepStack: false });
  let rows = 0;
  let started = false;
  let failure: unknown;

  parser.onValue = ({ value }) => {
    rows += 1;
    if (!isPlainObject(value)) encoder.fail(`row ${rows}: is not a JSON object`);
    checkFields(value, known, rows, encoder);
    encoder.addObject(value, rows);
  };
  parser.onError = (err) => {
    failure ??= err instanceof ContractViolation ? err : new ContractViolation(`${encoder.label}: invalid JSON after row ${rows}: ${err.message}`);
  };

  const drain = (): Buffer => {
    if (failure) throw failure;
    return encoder.take();
  };

  return {
    get rows() {
      return rows;
    },
    write(chunk) {
      let data = chunk;
      if (!started) {
        data = data.subarray(bomLength(data));
        const first = data.findIndex((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
        if (first < 0) return Buffer.alloc(0);
        if (data[first] !== 0x5b /* [ */) encoder.fail(`is not a JSON array (it starts with ${JSON.stringify(String.fromCharCode(data[first]))})`);
        started = true;
      }
      parser.write(data);
      return drain();
    },
    end() {
      if (!started) encoder.fail("is empty: expected a JSON array");
      if (!parser.isEnded) parser.end();
      return drain();
    },
  };
}
