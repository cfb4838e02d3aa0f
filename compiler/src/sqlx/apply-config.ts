// Applies a config object (a SQLX `config {}` block, or the object given to publish/assert/...)
// to an action record, checking keys and value shapes. Problems are reported, never thrown.
import type { ColumnDescriptor, IncrementalStrategy, OnSchemaChange, StrataActionOptions } from "../graph/types";
import type { ActionRecord, Resolvable } from "./action-record";
import { ASSERTIONS_KEYS, type ActionType, IGNORED_WAREHOUSE_KEYS, KEYS_BY_TYPE, POSTGRES_KEYS, didYouMean } from "./config-keys";

export interface ConfigProblemSink {
  error(record: ActionRecord, message: string, key?: string): void;
  warn(record: ActionRecord, message: string, key?: string): void;
}

const ON_SCHEMA_CHANGE: OnSchemaChange[] = ["fail", "extend", "ignore", "sync"];
const STRATEGIES: IncrementalStrategy[] = ["merge", "append", "delete+insert"];

const isString = (v: unknown): v is string => typeof v === "string";
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

export function applyConfig(record: ActionRecord, type: ActionType, config: Record<string, unknown>, sink: ConfigProblemSink): void {
  const allowed = KEYS_BY_TYPE[type];
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (!allowed.includes(key)) {
      const elsewhere = (Object.keys(KEYS_BY_TYPE) as ActionType[]).filter((t) => KEYS_BY_TYPE[t].includes(key));
      if (elsewhere.length > 0) {
        sink.error(record, `config key "${key}" is not valid on a ${type}; it applies to: ${elsewhere.join(", ")}`, key);
      } else {
        sink.error(record, `unknown config key "${key}"${didYouMean(key, allowed)}`, key);
      }
      continue;
    }
    if (IGNORED_WAREHOUSE_KEYS.includes(key)) {
      sink.warn(record, `config key "${key}" is BigQuery-specific and is ignored by Strata`, key);
      continue;
    }
    record.keys.add(key);
    applyKey(record, key, value, sink);
  }
}

function applyKey(record: ActionRecord, key: string, value: unknown, sink: ConfigProblemSink): void {
  const bad = (expected: string) => sink.error(record, `config key "${key}" must be ${expected}`, key);
  const strata = record.strata as StrataActionOptions & Record<string, unknown>;
  switch (key) {
    case "type":
    case "filename":
      return;
    case "name":
      if (isString(value) && value) record.name = value;
      else bad("a non-empty string");
      return;
    case "schema":
    case "dataset":
      if (record.kind === "test") return; // a test's `dataset` is the model it tests, set by the session
      if (isString(value) && value) record.schema = value;
      else bad("a non-empty string");
      return;
    case "database":
    case "project":
      if (isString(value) && value) record.database = value;
      else bad("a non-empty string");
      return;
    case "tags":
      if (isString(value)) record.tags.push(value);
      else if (isStringArray(value)) record.tags.push(...value);
      else bad("a string or a list of strings");
      return;
    case "description":
      if (isString(value)) record.description = value;
      else bad("a string");
      return;
    case "columns": {
      if (!isPlainObject(value)) return bad("a map of column names to descriptions");
      const columns = toColumnDescriptors([], value);
      if (typeof columns === "string") return sink.error(record, columns, key);
      record.columns = columns;
      return;
    }
    case "dependencies": {
      const list = Array.isArray(value) ? value : [value];
      for (const dep of list) {
        const r = toResolvable(dep);
        if (!r) return bad(`a name, a list of names, or {schema, name} objects`);
        const include = isPlainObject(dep) && dep.includeDependentAssertions === true;
        record.dependencies.push({ resolvable: r, includeDependentAssertions: include || undefined });
      }
      return;
    }
    case "disabled":
    case "protected":
    case "materialized":
    case "hermetic":
    case "hasOutput":
    case "dependOnDependencyAssertions":
      if (typeof value !== "boolean") return bad("true or false");
      if (key === "disabled") record.disabled = value;
      else (record as unknown as Record<string, boolean>)[key] = value;
      return;
    case "uniqueKey":
      if (isString(value)) record.uniqueKey = [value];
      else if (isStringArray(value) && value.length > 0) record.uniqueKey = value;
      else bad("a column name or a non-empty list of column names");
      return;
    case "assertions":
      return applyInlineAssertions(record, value, sink);
    case "preOperations":
    case "postOperations": {
      if (!isString(value) && !isStringArray(value)) return bad("a string or a list of strings");
      (key === "preOperations" ? record.preOps : record.postOps).push(value);
      return;
    }
    case "severity":
      if (value === "error" || value === "warn") strata.severity = value;
      else bad(`"error" or "warn"`);
      return;
    case "onSchemaChange":
      if (ON_SCHEMA_CHANGE.includes(value as OnSchemaChange)) strata.onSchemaChange = value as OnSchemaChange;
      else bad(`one of ${ON_SCHEMA_CHANGE.map((v) => `"${v}"`).join(", ")}`);
      return;
    case "incrementalStrategy":
      if (STRATEGIES.includes(value as IncrementalStrategy)) strata.incrementalStrategy = value as IncrementalStrategy;
      else bad(`one of ${STRATEGIES.map((v) => `"${v}"`).join(", ")}`);
      return;
    case "indexes": {
      if (!Array.isArray(value)) return bad(`a list of {columns: [...], unique?: boolean}`);
      const indexes: { columns: string[]; unique?: boolean }[] = [];
      for (const ix of value) {
        const columns = isString(ix) ? [ix] : isStringArray(ix) ? ix : isPlainObject(ix) ? ix.columns : undefined;
        if (!isStringArray(columns) || columns.length === 0) return bad(`a list of {columns: [...], unique?: boolean}`);
        const unique = isPlainObject(ix) && ix.unique === true;
        indexes.push(unique ? { columns, unique } : { columns });
      }
      strata.indexes = indexes;
      return;
    }
    case "grants": {
      if (!isPlainObject(value)) return bad(`a map of roles to privileges, e.g. {bi_reader: ["select"]}`);
      const grants: Record<string, string[]> = {};
      for (const [role, privileges] of Object.entries(value)) {
        if (isString(privileges)) grants[role] = [privileges];
        else if (isStringArray(privileges)) grants[role] = privileges;
        else return bad(`a map of roles to privileges, e.g. {bi_reader: ["select"]}`);
      }
      strata.grants = grants;
      return;
    }
    case "athena":
      if (!isPlainObject(value)) return bad("an object of Athena options");
      strata.athena = { ...value };
      return;
    case "postgres": {
      if (!isPlainObject(value)) return bad("an object of PostgreSQL options, e.g. {fillfactor: 80}");
      for (const [option, v] of Object.entries(value)) {
        if (!POSTGRES_KEYS.includes(option)) return sink.error(record, `unknown key "${option}" in postgres${didYouMean(option, POSTGRES_KEYS)}`, key);
        if (!Number.isInteger(v) || (v as number) < 10 || (v as number) > 100) return bad("{fillfactor: a whole number from 10 to 100}");
      }
      strata.postgres = { ...value };
      return;
    }
    case "layer":
      if (isString(value) && value) strata.layer = value;
      else bad("a non-empty string");
      return;
  }
}

function applyInlineAssertions(record: ActionRecord, value: unknown, sink: ConfigProblemSink): void {
  if (!isPlainObject(value)) return sink.error(record, `config key "assertions" must be an object`, "assertions");
  const out: NonNullable<ActionRecord["inlineAssertions"]> = {};
  for (const [key, v] of Object.entries(value)) {
    const bad = (expected: string) => sink.error(record, `"assertions.${key}" must be ${expected}`, key);
    switch (key) {
      case "uniqueKey":
        if (isString(v)) out.uniqueKey = [v];
        else if (isStringArray(v)) out.uniqueKey = v;
        else bad("a column name or a list of column names");
        break;
      case "uniqueKeys":
        if (Array.isArray(v) && v.every(isStringArray)) out.uniqueKeys = v as string[][];
        else bad("a list of lists of column names");
        break;
      case "nonNull":
        if (isString(v)) out.nonNull = [v];
        else if (isStringArray(v)) out.nonNull = v;
        else bad("a column name or a list of column names");
        break;
      case "rowConditions":
        if (isStringArray(v)) out.rowConditions = v;
        else bad("a list of SQL conditions");
        break;
      case "newRowsOnly":
        if (typeof v === "boolean") out.newRowsOnly = v;
        else bad("true or false");
        break;
      default:
        sink.error(record, `unknown key "${key}" in assertions${didYouMean(key, ASSERTIONS_KEYS)}`, key);
    }
  }
  if (out.uniqueKey?.length && out.uniqueKeys?.length) {
    sink.error(record, `specify at most one of "assertions.uniqueKey" and "assertions.uniqueKeys"`, "uniqueKeys");
  }
  record.inlineAssertions = out;
}

/** Dataform's `columns: {a: "text", b: {description, columns: {...}}}` → descriptors with paths. */
function toColumnDescriptors(path: string[], value: Record<string, unknown>): ColumnDescriptor[] | string {
  const out: ColumnDescriptor[] = [];
  for (const [name, v] of Object.entries(value)) {
    const p = [...path, name];
    if (isString(v)) {
      out.push({ path: p, description: v });
    } else if (isPlainObject(v)) {
      const d: ColumnDescriptor = { path: p };
      if (isString(v.description)) d.description = v.description;
      if (isString(v.type)) d.type = v.type;
      out.push(d);
      if (isPlainObject(v.columns)) {
        const nested = toColumnDescriptors(p, v.columns);
        if (typeof nested === "string") return nested;
        out.push(...nested);
      }
    } else {
      return `column "${p.join(".")}" must have a description string or {description, type, columns}`;
    }
  }
  return out;
}

/** ref()'s argument forms: "name", ("schema", "name"), ("db", "schema", "name"), {schema, name}. */
export function toResolvable(first: unknown, rest: unknown[] = []): Resolvable | undefined {
  if (rest.length > 0) {
    const parts = [first, ...rest];
    if (!parts.every((p) => isString(p))) return undefined;
    const [a, b, c] = parts as string[];
    return parts.length === 2 ? { schema: a, name: b } : { database: a, schema: b, name: c };
  }
  if (isString(first)) return first || undefined;
  if (isPlainObject(first) && isString(first.name)) {
    const r: { name: string; schema?: string; database?: string } = { name: first.name };
    const schema = first.schema ?? first.dataset;
    const database = first.database ?? first.project;
    if (isString(schema)) r.schema = schema;
    if (isString(database)) r.database = database;
    return r;
  }
  return undefined;
}
