// One value of a landing file → the text PostgreSQL's COPY (text format) reads for its column type.
// The hot path returns the COPY text or `undefined`; only a rejected value pays for an explanation.
import type { ContractColumn } from "./contract";
import { compileTemporalFormat } from "./temporal-format";

export interface ValueEncoder {
  /** COPY text for a present, non-empty value; `undefined` when the value does not fit the column. */
  encode(value: unknown): string | undefined;
  /** Why `value` was rejected, e.g. `"12,x" is not a numeric`. */
  explain(value: unknown): string;
}

const INT4_MAX = 2147483647;
const INT8_MAX = BigInt("9223372036854775807");
const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "0"]);
const COPY_SPECIAL = /[\\\t\n\r\0\uFFFD]/;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?$/;
const EXACT_BOOLEANS = new Map<string, string>();
for (const w of TRUE_WORDS) for (const v of [w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1)]) EXACT_BOOLEANS.set(v, "t");
for (const w of FALSE_WORDS) for (const v of [w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1)]) EXACT_BOOLEANS.set(v, "f");

/** 1 to `max` ASCII digits with no leading zero (or "0"): valid as it is. */
function isPlainDigits(text: string, max: number): boolean {
  const n = text.length;
  if (n === 0 || n > max || (n > 1 && text.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function valueEncoder(column: ContractColumn): ValueEncoder {
  switch (column.type) {
    case "text":
      return { encode: encodeText, explain: explainText };
    case "integer":
    case "bigint":
      return integerEncoder(column);
    case "numeric":
      return numericEncoder(column);
    case "boolean":
      return booleanEncoder();
    case "date":
    case "timestamp":
      return temporalEncoder(column);
  }
}

/** Shows a rejected value the way the user wrote it, shortened. */
export function showValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return typeof value === "string" ? `"${shown}"` : shown;
}

function encodeText(value: unknown): string | undefined {
  if (typeof value === "string") return COPY_SPECIAL.test(value) ? escapeCopyText(value) : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function explainText(value: unknown): string {
  if (typeof value === "string" && value.includes("\0")) return `${showValue(value)} contains a NUL character`;
  if (typeof value === "string") {
    return `${showValue(value)} is not valid UTF-8 text (set csv.encoding: latin1 for Windows/Excel files)`;
  }
  return `${showValue(value)} is not a text`;
}

/** COPY text escaping: backslash and the row/field separators. NUL and U+FFFD are rejected. */
export function escapeCopyText(value: string): string | undefined {
  if (value.includes("\0") || value.includes("\uFFFD")) return undefined;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** Removes thousands separators and turns the decimal separator into "."; trims. */
function normalizeNumber(text: string, decimal: string, thousands: string | undefined): string {
  let s = text.trim();
  if (thousands !== undefined && s.includes(thousands)) s = s.split(thousands).join("");
  if (decimal !== "." && s.includes(decimal)) s = s.replace(decimal, ".");
  return s;
}

function integerEncoder(column: ContractColumn): ValueEncoder {
  const big = column.type === "bigint";
  const encode = (value: unknown): string | undefined => {
    if (typeof value === "number") {
      return Number.isSafeInteger(value) && (big || Math.abs(value) <= INT4_MAX) ? String(value) : undefined;
    }
    if (typeof value !== "string") return undefined;
    if (isPlainDigits(value, big ? 18 : 9)) return value; // the common case, already canonical
    const s = normalizeNumber(value, ".", column.thousands);
    if (!/^[+-]?\d+$/.test(s)) return undefined;
    const negative = s[0] === "-";
    const digits = s.replace(/^[+-]?0*/, "") || "0";
    if (big) {
      if (digits.length > 19 || (digits.length === 19 && BigInt(digits) > INT8_MAX + (negative ? 1n : 0n))) return undefined;
    } else if (digits.length > 10 || +digits > INT4_MAX + (negative ? 1 : 0)) {
      return undefined;
    }
    return negative && digits !== "0" ? `-${digits}` : digits;
  };
  const explain = (value: unknown): string => {
    const s = typeof value === "string" ? normalizeNumber(value, ".", column.thousands) : "";
    const whole = typeof value === "number" ? Number.isInteger(value) : /^[+-]?\d+$/.test(s);
    return whole ? `${showValue(value)} is out of range for ${column.type}` : `${showValue(value)} is not an ${column.type === "integer" ? "integer" : "bigint"}`;
  };
  return { encode, explain };
}

function numericEncoder(column: ContractColumn): ValueEncoder {
  const encode = (value: unknown): string | undefined => {
    if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
    if (typeof value !== "string") return undefined;
    const s = normalizeNumber(value, column.decimal, column.thousands);
    // An exponent is accepted; a huge one would make PostgreSQL fail mid-COPY, so it is bounded.
    return NUMERIC.test(s) ? s : undefined;
  };
  return { encode, explain: (value) => `${showValue(value)} is not a numeric` };
}

function booleanEncoder(): ValueEncoder {
  const encode = (value: unknown): string | undefined => {
    if (typeof value === "boolean") return value ? "t" : "f";
    if (typeof value === "number") return value === 1 ? "t" : value === 0 ? "f" : undefined;
    if (typeof value !== "string") return undefined;
    const exact = EXACT_BOOLEANS.get(value);
    if (exact !== undefined) return exact;
    const word = value.trim().toLowerCase();
    return TRUE_WORDS.has(word) ? "t" : FALSE_WORDS.has(word) ? "f" : undefined;
  };
  return { encode, explain: (value) => `${showValue(value)} is not a boolean (true/false, yes/no, y/n, t/f, 1/0)` };
}

function temporalEncoder(column: ContractColumn): ValueEncoder {
  const type = column.type as "date" | "timestamp";
  const parse = compileTemporalFormat(column.format!, type).parse!;
  const encode = (value: unknown): string | undefined => (typeof value === "string" ? parse(value.trim()) : undefined);
  return { encode, explain: (value) => `${showValue(value)} is not a ${type} in format ${column.format}` };
}
