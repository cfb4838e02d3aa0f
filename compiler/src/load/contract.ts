// landing/<source>/contract.yaml: what a landing file must look like (columns, types, formats) and
// the landing table it loads into. Parsing is pure; every mistake is a UserError at file:line:col.
import { yamlReason } from "../project/yaml-errors";
import fs from "node:fs";
import path from "node:path";
import { closest, distance } from "fastest-levenshtein";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from "yaml";
import { UserError, type ErrorPlace } from "../errors";
import type { Target } from "../graph/types";
import { compileTemporalFormat } from "./temporal-format";

export const COLUMN_TYPES = ["text", "integer", "bigint", "numeric", "boolean", "date", "timestamp"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const LANDING_FORMATS = ["csv", "json", "ndjson"] as const;
export type LandingFormat = (typeof LANDING_FORMATS)[number];

/** Metadata columns every landing table carries after the contract's columns. */
export const METADATA_COLUMNS = ["_source_file", "_loaded_at", "_row_hash"] as const;

export const DEFAULT_LANDING_SCHEMA = "landing";
export const DEFAULT_DATE_FORMAT = "YYYY-MM-DD";
export const DEFAULT_TIMESTAMP_FORMAT = "YYYY-MM-DD HH:mm:ss";

export interface ContractColumn {
  name: string;
  type: ColumnType;
  /** A missing or empty value rejects the file (`required: true`, or `nullable: false`). */
  required: boolean;
  description?: string;
  /** Date/timestamp columns: the effective format (the column's own, else the contract default). */
  format?: string;
  /** Number columns: the effective decimal separator and thousands separator (if any). */
  decimal: string;
  thousands?: string;
  line?: number;
}

export interface CsvOptions {
  delimiter: string;
  quote: string;
  encoding: "utf8" | "latin1";
  header: boolean;
}

export interface LandingContract {
  source: string;
  /** The contract file, relative to the project directory (for messages). */
  file: string;
  /** Absolute path of the source folder the data files sit in. */
  dir: string;
  table: Target;
  description?: string;
  format: LandingFormat;
  /** Globs relative to `dir`. */
  files: string[];
  csv: CsvOptions;
  primaryKey: string[];
  tags: string[];
  columns: ContractColumn[];
}

const TOP_KEYS = [
  "source", "table", "description", "format", "files", "csv", "dateFormat", "timestampFormat",
  "decimal", "thousands", "primaryKey", "tags", "columns",
];
const CSV_KEYS = ["delimiter", "quote", "encoding", "header"];
const COLUMN_KEYS = ["name", "type", "required", "nullable", "description", "format", "decimal", "thousands"];
const DEFAULT_GLOBS: Record<LandingFormat, string> = { csv: "*.csv", json: "*.json", ndjson: "*.ndjson" };
const NUMBER_TYPES: ColumnType[] = ["integer", "bigint", "numeric"];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Reads and parses `landing/<source>/contract.yaml`. */
export function readContract(contractPath: string, projectDir: string): LandingContract {
  const rel = path.relative(projectDir, contractPath).split(path.sep).join("/");
  let text: string;
  try {
    text = fs.readFileSync(contractPath, "utf8");
  } catch (err) {
    throw new UserError(`cannot read contract: ${(err as Error).message}`, { file: rel });
  }
  return parseContract(text, { file: rel, dir: path.dirname(contractPath) });
}

/** Every `landing/<source>/contract.yaml` of a project, sorted by source folder. */
export function discoverContracts(projectDir: string): LandingContract[] {
  const landing = path.join(projectDir, "landing");
  if (!fs.existsSync(landing)) return [];
  const contracts = fs
    .readdirSync(landing, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(landing, d.name, "contract.yaml")))
    .map((d) => d.name)
    .sort()
    .map((name) => readContract(path.join(landing, name, "contract.yaml"), projectDir));
  const seen = new Map<string, LandingContract>();
  for (const c of contracts) {
    const other = seen.get(c.source);
    if (other) throw new UserError(`source "${c.source}" is also defined by ${other.file}`, { file: c.file });
    seen.set(c.source, c);
  }
  return contracts;
}

/**
 * The `schema.name` the contract's files load into. Required and read exactly as the compiler's
 * landing declarations read it (project/landing.ts), so `ref("<name>")` names the table loaded here.
 */
export function parseLandingTable(value: string): Target | undefined {
  if (!/^[^.\s]+\.[^.\s]+$/.test(value)) return undefined;
  const [schema, name] = value.split(".");
  return { schema, name };
}

/**
 * Parses contract YAML text. `file` is used in error places; `dir` is the folder holding the data
 * files (its name is the default source name).
 */
export function parseContract(text: string, where: { file: string; dir: string }): LandingContract {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const placeOf = (node: Node | Pair | null | undefined): ErrorPlace => {
    const range = (node as Node | null)?.range ?? ((node as Pair | null)?.key as Node | null)?.range;
    if (!range) return { file: where.file };
    const pos = lineCounter.linePos(range[0]);
    return { file: where.file, line: pos.line, column: pos.col };
  };
  const fail = (message: string, node?: Node | Pair | null): never => {
    throw new UserError(message, placeOf(node));
  };

  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lineCounter.linePos(e.pos[0]);
    throw new UserError(`invalid YAML: ${yamlReason(e)}`, { file: where.file, line: pos.line, column: pos.col });
  }
  const root = doc.contents;
  if (!isMap(root)) return fail("a contract must be a YAML map with at least `columns`", root);

  const top = readMap(root, TOP_KEYS, "contract", fail);
  const str = (key: string, fallback?: string): string | undefined => {
    const node = top.get(key);
    if (!node) return fallback;
    if (!isScalar(node) || typeof node.value !== "string" || node.value === "") {
      return fail(`"${key}" must be a non-empty string`, node);
    }
    return node.value;
  };

  const source = str("source", path.basename(where.dir))!;
  if (!IDENTIFIER.test(source)) fail(`source "${source}" must be a plain name (letters, digits, _)`, top.get("source") ?? root);

  const tableText = str("table") ?? fail(`a contract needs "table: <schema>.<name>" naming its landing table (e.g. ${DEFAULT_LANDING_SCHEMA}.${source})`, root);
  const table = parseLandingTable(tableText) ?? fail(`table "${tableText}" must be "<schema>.<name>" (e.g. ${DEFAULT_LANDING_SCHEMA}.${source})`, top.get("table"));

  const formatText = str("format", "csv")!;
  if (!(LANDING_FORMATS as readonly string[]).includes(formatText)) {
    fail(`format "${formatText}" is not one of ${LANDING_FORMATS.join(", ")}${suggest(formatText, LANDING_FORMATS)}`, top.get("format"));
  }
  const format = formatText as LandingFormat;

  const files = stringList(top.get("files"), "files", fail) ?? [DEFAULT_GLOBS[format]];

  const csvNode = top.get("csv");
  if (csvNode && format !== "csv") fail(`"csv" options apply only to format: csv (this contract has format: ${format})`, csvNode);
  const csv = readCsvOptions(csvNode, fail);

  const dateFormat = str("dateFormat", DEFAULT_DATE_FORMAT)!;
  const timestampFormat = str("timestampFormat", DEFAULT_TIMESTAMP_FORMAT)!;
  checkTemporalFormat(dateFormat, "date", top.get("dateFormat"), fail);
  checkTemporalFormat(timestampFormat, "timestamp", top.get("timestampFormat"), fail);
  const decimal = separator(top.get("decimal"), "decimal", fail) ?? ".";
  const thousands = separator(top.get("thousands"), "thousands", fail);

  const columnsNode = top.get("columns");
  if (!columnsNode) fail(`a contract needs "columns"`, root);
  if (!isSeq(columnsNode) || columnsNode.items.length === 0) fail(`"columns" must be a non-empty list`, columnsNode);
  const columns: ContractColumn[] = [];
  for (const item of (columnsNode as { items: unknown[] }).items) {
    const column = readColumn(item as Node, { dateFormat, timestampFormat, decimal, thousands }, fail, placeOf);
    if (columns.some((c) => c.name === column.name)) fail(`column "${column.name}" is listed twice`, item as Node);
    columns.push(column);
  }

  const primaryKey = stringList(top.get("primaryKey"), "primaryKey", fail) ?? [];
  for (const key of primaryKey) {
    const column = columns.find((c) => c.name === key);
    if (!column) fail(`primaryKey column "${key}" is not a column${suggest(key, columns.map((c) => c.name))}`, top.get("primaryKey"));
    column!.required = true; // a key value can never be missing
  }
  const tags = stringList(top.get("tags"), "tags", fail) ?? [];
  const description = str("description");

  return { source, file: where.file, dir: where.dir, table, description, format, files, csv, primaryKey, tags, columns };
}

type Fail = (message: string, node?: Node | Pair | null) => never;

/** The map's values by key, rejecting unknown keys with the closest valid one. */
function readMap(map: YAMLMap, known: string[], what: string, fail: Fail): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const pair of map.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : "";
    if (!known.includes(key)) fail(`unknown key "${key}" in ${what}${suggest(key, known)}`, keyNode);
    // A key with no value (`description:`) reads as null: treat it like an absent key.
    const value = pair.value as Node | null;
    if (value && !(isScalar(value) && value.value === null)) out.set(key, value);
  }
  return out;
}

function readCsvOptions(node: Node | undefined, fail: Fail): CsvOptions {
  const options: CsvOptions = { delimiter: ",", quote: '"', encoding: "utf8", header: true };
  if (!node) return options;
  if (!isMap(node)) return fail(`"csv" must be a map (${CSV_KEYS.join(", ")})`, node);
  const csv = readMap(node, CSV_KEYS, "csv options", fail);
  for (const key of ["delimiter", "quote"] as const) {
    const value = csv.get(key);
    if (!value) continue;
    if (!isScalar(value) || typeof value.value !== "string" || !/^[\x01-\x7f]$/.test(value.value)) {
      // ASCII: the tokenizer scans bytes, and no byte of a multi-byte UTF-8 character is ASCII.
      fail(`csv.${key} must be a single ASCII character`, value);
    }
    options[key] = (value as { value: string }).value;
  }
  const encoding = csv.get("encoding");
  if (encoding) {
    const text = isScalar(encoding) ? String(encoding.value).toLowerCase().replace("-", "") : "";
    if (text !== "utf8" && text !== "latin1") fail(`csv.encoding must be utf8 or latin1`, encoding);
    options.encoding = text as CsvOptions["encoding"];
  }
  const header = csv.get("header");
  if (header) {
    if (!isScalar(header) || typeof header.value !== "boolean") fail(`csv.header must be true or false`, header);
    options.header = (header as { value: boolean }).value;
  }
  if (options.delimiter === options.quote) fail(`csv.delimiter and csv.quote must differ`, node);
  return options;
}

interface ColumnDefaults {
  dateFormat: string;
  timestampFormat: string;
  decimal: string;
  thousands?: string;
}

function readColumn(node: Node, defaults: ColumnDefaults, fail: Fail, placeOf: (n: Node) => ErrorPlace): ContractColumn {
  if (!isMap(node)) return fail(`each column must be a map with at least "name" and "type"`, node);
  const col = readMap(node, COLUMN_KEYS, "column", fail);
  const nameNode = col.get("name");
  if (!nameNode || !isScalar(nameNode) || typeof nameNode.value !== "string" || nameNode.value.trim() === "") {
    return fail(`a column needs a "name"`, nameNode ?? node);
  }
  const name = nameNode.value;
  if ((METADATA_COLUMNS as readonly string[]).includes(name)) {
    fail(`column "${name}" is reserved for load metadata (${METADATA_COLUMNS.join(", ")})`, nameNode);
  }
  const typeNode = col.get("type");
  if (!typeNode) fail(`column "${name}" needs a "type" (${COLUMN_TYPES.join(", ")})`, node);
  const typeText = isScalar(typeNode) ? String(typeNode.value) : "";
  if (!(COLUMN_TYPES as readonly string[]).includes(typeText)) {
    fail(`column "${name}" has unknown type "${typeText}"${suggest(typeText, COLUMN_TYPES)}; types: ${COLUMN_TYPES.join(", ")}`, typeNode);
  }
  const type = typeText as ColumnType;

  const flag = (key: string): boolean | undefined => {
    const value = col.get(key);
    if (!value) return undefined;
    if (!isScalar(value) || typeof value.value !== "boolean") fail(`column "${name}": ${key} must be true or false`, value);
    return (value as { value: boolean }).value;
  };
  const required = flag("required");
  const nullable = flag("nullable");
  if (required !== undefined && nullable !== undefined && required === nullable) {
    fail(`column "${name}" says both required: ${required} and nullable: ${nullable}`, col.get("nullable"));
  }

  const formatNode = col.get("format");
  let format: string | undefined;
  if (type === "date" || type === "timestamp") {
    format = type === "date" ? defaults.dateFormat : defaults.timestampFormat;
    if (formatNode) {
      if (!isScalar(formatNode) || typeof formatNode.value !== "string") fail(`column "${name}": format must be a string`, formatNode);
      format = (formatNode as { value: string }).value;
      checkTemporalFormat(format, type, formatNode, fail);
    }
  } else if (formatNode) {
    fail(`column "${name}": format applies only to date and timestamp columns`, formatNode);
  }

  const isNumber = NUMBER_TYPES.includes(type);
  for (const key of ["decimal", "thousands"]) {
    if (col.get(key) && !isNumber) fail(`column "${name}": ${key} applies only to number columns`, col.get(key));
  }
  const decimal = separator(col.get("decimal"), "decimal", fail) ?? defaults.decimal;
  const thousands = separator(col.get("thousands"), "thousands", fail) ?? defaults.thousands;
  if (isNumber && thousands === decimal) fail(`column "${name}": decimal and thousands separators must differ`, col.get("thousands") ?? node);

  const descNode = col.get("description");
  const description = descNode && isScalar(descNode) ? String(descNode.value) : undefined;
  return {
    name,
    type,
    required: required ?? (nullable === undefined ? false : !nullable),
    description,
    format,
    decimal,
    thousands,
    line: placeOf(node).line,
  };
}

function checkTemporalFormat(format: string, type: "date" | "timestamp", node: Node | undefined, fail: Fail): void {
  const problem = compileTemporalFormat(format, type).problem;
  if (problem) fail(`${type} format "${format}": ${problem}`, node);
}

function separator(node: Node | undefined, key: string, fail: Fail): string | undefined {
  if (!node) return undefined;
  if (!isScalar(node) || typeof node.value !== "string" || !/^[.,' _]$/.test(node.value)) {
    return fail(`${key} must be one of "." "," "'" " " "_"`, node);
  }
  return node.value;
}

function stringList(node: Node | undefined, key: string, fail: Fail): string[] | undefined {
  if (!node) return undefined;
  if (isScalar(node) && typeof node.value === "string" && node.value !== "") return [node.value];
  if (isSeq(node) && node.items.length > 0) {
    return node.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== "string" || item.value === "") fail(`"${key}" items must be strings`, item as Node);
      return (item as { value: string }).value;
    });
  }
  return fail(`"${key}" must be a string or a non-empty list of strings`, node);
}

/** ` (did you mean "x"?)` when a known word is close enough to be the intended one. */
export function suggest(word: string, known: readonly string[]): string {
  if (!word || known.length === 0) return "";
  // An abbreviation ("int", "num") means the word it starts; otherwise the nearest by edit distance.
  const lower = word.toLowerCase();
  const best = known.find((k) => lower.length >= 3 && k.toLowerCase().startsWith(lower)) ?? closest(word, known as string[]);
  return similar(word, best) ? ` (did you mean "${best}"?)` : "";
}

function similar(a: string, b: string): boolean {
  return distance(a.toLowerCase(), b.toLowerCase()) <= Math.max(2, Math.ceil(b.length / 2));
}
