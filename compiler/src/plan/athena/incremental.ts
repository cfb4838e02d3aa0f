// type: "incremental" — an Iceberg table that grows:
//   first build, --full-refresh, or replacing a view: the table build-and-swap (table.ts);
//   later runs, uniqueKey set (strategy merge, the default then):
//     MERGE INTO the table USING the incremental query ON the key: matched rows updated, new inserted;
//   strategy append (the default without uniqueKey): INSERT INTO ... SELECT;
//   strategy delete+insert: stage the new rows in a temp Iceberg table, DELETE the keys present in
//     them, INSERT them, drop the stage (two Iceberg commits: a reader between them misses those
//     rows — prefer merge).
// Each statement is one Iceberg commit: readers see the table before or after it, never half of it.
// Columns come from the existing table; new columns in the query are not added (onSchemaChange is
// PostgreSQL-only for now): run with --full-refresh to rebuild. `protected` tables are never rebuilt.
import type { Table, Target } from "../../graph/types";
import { UserError } from "../../errors";
import { relationKey, type WarehouseState } from "../../warehouse/warehouse";
import type { ActionPlan, PlanOptions, PlanStep } from "../plan";
import { body, ddlName, siblingTarget, tableLocation, trinoColumn, trinoName } from "./athena-sql";
import { icebergOptions, icebergWithClause } from "./iceberg-options";
import { ignoredOptionNotices, opsStep, s3DataOf } from "./plan-context";
import { rebuildSteps } from "./table";

type TableAction = { kind: "table" } & Table;

export function planIncremental(action: TableAction, state: WarehouseState, options: PlanOptions): ActionPlan {
  const { target } = action;
  // Checked on every run, not only on builds: a typo in athena {} should not wait for a --full-refresh.
  icebergOptions(action.strata?.athena, action.strata?.location, `${target.schema}.${target.name}`);
  const existing = state.relations.get(relationKey(target));
  const notices: string[] = ignoredOptionNotices(action);
  const rebuild = !existing || existing.kind === "view" || (options.fullRefresh && !action.protected);
  if (options.fullRefresh && action.protected && existing) notices.push(`${target.schema}.${target.name} is protected: --full-refresh does not rebuild it`);
  if (rebuild) {
    return { target, materialization: "incremental", ...rebuildSteps(action, action.query, state, options, action.preOps, action.postOps), notices };
  }
  const onSchemaChange = action.strata?.onSchemaChange;
  if (onSchemaChange && onSchemaChange !== "ignore") {
    notices.push(`onSchemaChange "${onSchemaChange}" is not applied on Athena: columns missing from ${target.schema}.${target.name} are ignored (use --full-refresh)`);
  }
  const query = action.incrementalQuery ?? action.query;
  const columns = existing.columns.map((c) => c.name);
  const strategy = action.strata?.incrementalStrategy ?? (action.uniqueKey?.length ? "merge" : "append");
  let writes: PlanStep[];
  let cleanup: string[] = [];
  if (strategy === "append") {
    writes = [{ description: "append the new rows", statements: [appendSql(action.target, query, columns)], transactional: false }];
  } else {
    const keys = action.uniqueKey ?? [];
    if (keys.length === 0) throw new UserError(`${target.schema}.${target.name}: incrementalStrategy "${strategy}" needs a uniqueKey`, placeOf(action));
    if (columns.length === 0) throw new UserError(`${target.schema}.${target.name}: cannot ${strategy}: the existing table's columns are unknown`);
    if (strategy === "merge") {
      writes = [{ description: `merge the new rows on ${keys.join(", ")}`, statements: [mergeSql(action, query, keys, columns)], transactional: false }];
    } else {
      // The new rows are staged first: the incremental query usually reads the table itself
      // (max(updated_at)), and would see a different table once the delete has run.
      const staged = siblingTarget(target, "tmp", options.runId);
      const location = tableLocation(s3DataOf(options), staged, options.runId);
      const stagedRows = `select * from ${trinoName(staged)}`;
      writes = [
        {
          description: `stage the new rows in ${staged.name}`,
          statements: [`create table ${trinoName(staged)}\n${icebergWithClause({ partitioning: [], format: "PARQUET", tableProperties: {} }, location)}\nas\n${body(query)}`],
          transactional: false,
        },
        {
          description: `delete the rows being replaced, then insert (keys ${keys.join(", ")})`,
          statements: [deleteSql(action, stagedRows, keys), appendSql(action.target, stagedRows, columns), `drop table ${ddlName(staged)}`],
          transactional: false,
          countsRows: false,
        },
      ];
      cleanup = [`drop table if exists ${ddlName(staged)}`];
    }
  }
  return {
    target,
    materialization: "incremental",
    steps: [...opsStep("pre_operations", action.incrementalPreOps ?? action.preOps), ...writes, ...opsStep("post_operations", action.incrementalPostOps ?? action.postOps)],
    cleanup,
    notices,
  };
}

function placeOf(action: TableAction) {
  const l = action.strata?.location;
  return l ? { file: l.file, line: l.line, column: l.column } : { file: action.fileName };
}

function appendSql(target: Target, query: string, columns: string[]): string {
  if (columns.length === 0) return `insert into ${trinoName(target)}\n${body(query)}`;
  const list = columns.map(trinoColumn).join(", ");
  return `insert into ${trinoName(target)} (${list})\nselect ${list}\nfrom (\n${body(query)}\n) as src`;
}

function mergeSql(action: TableAction, query: string, keys: string[], columns: string[]): string {
  const on = keys.map((k) => `dest.${trinoColumn(k)} = src.${trinoColumn(k)}`).join(" and ");
  const keySet = new Set(keys.map((k) => k.toLowerCase()));
  const updates = columns.filter((c) => !keySet.has(c.toLowerCase())).map((c) => `${trinoColumn(c)} = src.${trinoColumn(c)}`);
  const lines = [`merge into ${trinoName(action.target)} as dest`, `using (\n${body(query)}\n) as src`, `on ${on}`];
  if (updates.length > 0) lines.push(`when matched then update set ${updates.join(", ")}`);
  lines.push(`when not matched then insert (${columns.map(trinoColumn).join(", ")}) values (${columns.map((c) => `src.${trinoColumn(c)}`).join(", ")})`);
  return lines.join("\n");
}

function deleteSql(action: TableAction, query: string, keys: string[]): string {
  const table = trinoName(action.target);
  if (keys.length === 1) {
    const key = trinoColumn(keys[0]);
    return `delete from ${table}\nwhere ${key} in (\nselect ${key} from (\n${body(query)}\n) as src\n)`;
  }
  const match = keys.map((k) => `src.${trinoColumn(k)} = ${table}.${trinoColumn(k)}`).join(" and ");
  return `delete from ${table}\nwhere exists (\nselect 1 from (\n${body(query)}\n) as src\nwhere ${match}\n)`;
}
