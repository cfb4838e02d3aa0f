// What the loading phase knows about one action before its SQL is rendered: the config applied,
// the contextables (functions of a query context) still to be called.
import type { ColumnDescriptor, NewRowsCheck, SourceLocation, StrataActionOptions, TableType, Target } from "../graph/types";
import type { SourceFile } from "./source-lines";

export type Contextable<T> = T | ((ctx: unknown) => T);

export type Resolvable = string | { name: string; schema?: string; database?: string };

export type ActionKind = "table" | "operation" | "assertion" | "declaration" | "test";

export interface DependencyRequest {
  resolvable: Resolvable;
  includeDependentAssertions?: boolean;
}

export interface InlineAssertions {
  uniqueKey?: string[];
  uniqueKeys?: string[][];
  nonNull?: string[];
  rowConditions?: string[];
  /** Strata: on incremental runs, check only the rows the run wrote (see plan/postgres/assertion.ts). */
  newRowsOnly?: boolean;
}

export interface ActionRecord {
  kind: ActionKind;
  /** Tables only. */
  tableType?: TableType;
  name: string;
  /** Config `schema` / `database`, before suffixes. */
  schema?: string;
  database?: string;
  file: SourceFile;
  location: SourceLocation;
  /** Config keys given (from a config block or a JS method), for combination checks. */
  keys: Set<string>;

  query?: Contextable<string>;
  queries?: Contextable<string | string[]>;
  incrementalWhere?: Contextable<string>;
  preOps: Contextable<string | string[]>[];
  postOps: Contextable<string | string[]>[];
  statementCount: number;

  dependencies: DependencyRequest[];
  tags: string[];
  description?: string;
  columns?: ColumnDescriptor[];
  disabled: boolean;
  protected?: boolean;
  materialized?: boolean;
  hermetic?: boolean;
  uniqueKey?: string[];
  hasOutput?: boolean;
  dependOnDependencyAssertions?: boolean;
  inlineAssertions?: InlineAssertions;
  /** Set on the assertions generated from a parent's `assertions {}`. */
  parent?: ActionRecord;
  inlineAssertion?: NewRowsCheck;
  strata: StrataActionOptions;

  /** Tests only. */
  dataset?: Resolvable;
  inputs: { resolvable: Resolvable; contextable: Contextable<string> }[];

  /** Set when targets are finalised, after all files are loaded. */
  target?: Target;
  canonicalTarget?: Target;
}

export function newRecord(kind: ActionKind, name: string, file: SourceFile, location: SourceLocation): ActionRecord {
  return {
    kind,
    name,
    file,
    location,
    keys: new Set(),
    preOps: [],
    postOps: [],
    statementCount: 1,
    dependencies: [],
    tags: [],
    disabled: false,
    strata: {},
    inputs: [],
  };
}

export function describeResolvable(r: Resolvable): string {
  if (typeof r === "string") return r;
  return [r.database, r.schema, r.name].filter((p) => p !== undefined && p !== "").join(".");
}
