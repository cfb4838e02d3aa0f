// The config keys each action type accepts: Dataform's, then Strata's own. An unknown key is an
// error naming the closest valid key. BigQuery-only Dataform keys are accepted (so a Dataform
// project compiles unchanged) and ignored with a warning.

export type ActionType = "table" | "view" | "incremental" | "assertion" | "operations" | "declaration" | "test";

export const ACTION_TYPES: ActionType[] = ["table", "view", "incremental", "assertion", "operations", "declaration", "test"];

const COMMON = ["type", "name", "schema", "database", "dataset", "project", "tags", "description", "columns", "dependencies", "disabled", "hermetic", "dependOnDependencyAssertions", "filename", "layer"];

/** Dataform keys that only mean something on BigQuery (or warehouses Dataform v3 dropped). */
export const IGNORED_WAREHOUSE_KEYS = ["bigquery", "partitionBy", "clusterBy", "labels", "requirePartitionFilter", "partitionExpirationDays", "updatePartitionFilter", "additionalOptions", "redshift", "sqldatawarehouse", "snowflake", "reservation", "metadata", "iceberg"];

const DATASET_KEYS = [...COMMON, "assertions", "protected", "materialized", "uniqueKey", "preOperations", "postOperations", "onSchemaChange", "incrementalStrategy", "indexes", "grants", "athena", "postgres", ...IGNORED_WAREHOUSE_KEYS];

export const KEYS_BY_TYPE: Record<ActionType, string[]> = {
  table: DATASET_KEYS,
  view: DATASET_KEYS,
  incremental: DATASET_KEYS,
  assertion: [...COMMON, "severity"],
  operations: [...COMMON, "hasOutput", "grants"],
  declaration: ["type", "name", "schema", "database", "dataset", "project", "description", "columns", "tags", "layer", "filename"],
  test: ["type", "name", "dataset"],
};

/** Keys of the `postgres: {...}` config object. */
export const POSTGRES_KEYS = ["fillfactor"];

export const ASSERTIONS_KEYS = ["uniqueKey", "uniqueKeys", "nonNull", "rowConditions", "newRowsOnly"];

/** The closest of `candidates` to `word`, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const { distance } = require("fastest-levenshtein") as typeof import("fastest-levenshtein");
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 2)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c ? ` (did you mean "${c}"?)` : "";
}
