// type: "incremental".
//
// First run, a table of another kind in the way, or --full-refresh (unless `protected`): built
// like a table (see table.ts), with a unique index on `uniqueKey` for merge / delete+insert.
//
// Later runs:
//   create unlogged table "s"."t__strata_tmp_<run>" as <incremental query>;   -- no transaction
//   begin;
//     do $$ …onSchemaChange: compare the new rows' columns with the table's… $$;
//     lock …; do $$ insert … on conflict (<uniqueKey>) do update …; insert …; exception … $$
//       |  insert …  |  delete …; insert …;
//     drop table "s"."t__strata_tmp_<run>";    -- with assertions.newRowsOnly: when the run ends
//     grant …; comment …;
//   commit;
//
// The query's columns are known only once it has run, so the schema check is SQL that runs in
// the warehouse. With onSchemaChange "fail" (the default) or "ignore" the check guarantees the
// table's columns, read before the run, are the ones to write, so the merge is plain SQL listing
// them. With "extend" / "sync" the table gains (or loses) columns inside the transaction, so the
// column list is read from the catalog there and the merge runs as dynamic SQL of the same shape.
//
// Merge: `insert … on conflict … do update`, which needs the unique index (NULLS NOT DISTINCT, so a
// NULL key is matched too, never inserted twice); rows whose key is above the table's highest are
// inserted plainly after it. When the query returned a key twice, the last row it returned for the
// key wins (see mergeStatements). MERGE INTO was the alternative; it needs no index, but matches
// NULL keys only with a join condition no index can serve.
import { quoteString } from "../../graph/quote";
import { ExitCode, StrataError, UserError } from "../../errors";
import type { IncrementalStrategy, OnSchemaChange, Target } from "../../graph/types";
import type { ActionPlan, PlanOptions, PlanStep } from "../plan";
import { relationKey, type RelationInfo, type WarehouseState } from "../../warehouse/warehouse";
import { tempName } from "./names";
import {
  columnCommentStatements,
  commentSql,
  createIndexSql,
  grantStatements,
  hasUniqueIndexOn,
  plannedIndexes,
} from "./relation-metadata";
import { dollarQuote, ident, relation, sibling, withoutTrailingSemicolon } from "./sql-text";
import { planFullBuild, postOperationsSteps, type TableAction } from "./table";

export function planIncremental(action: TableAction, state: WarehouseState, options: PlanOptions): ActionPlan {
  const { target } = action;
  const name = `${target.schema}.${target.name}`;
  const uniqueKey = action.uniqueKey ?? [];
  const strategy: IncrementalStrategy = action.strata?.incrementalStrategy ?? (uniqueKey.length ? "merge" : "append");
  if (strategy !== "append" && uniqueKey.length === 0) {
    throw new UserError(`incremental table "${name}": incrementalStrategy "${strategy}" needs a uniqueKey`, action.strata?.location ?? {});
  }
  const existing = state.relations.get(relationKey(target));
  const fullBuild = (notices: string[]) =>
    planFullBuild(action, state, options, existing, {
      query: action.query,
      preOps: action.preOps ?? [],
      postOps: action.postOps ?? [],
      uniqueKeyIndex: strategy !== "append",
      deduplicateOn: strategy !== "append" ? uniqueKey : undefined,
      materialization: "incremental",
      notices,
    });

  if (!existing) return fullBuild([]);
  if (existing.kind !== "table") {
    if (action.protected) {
      throw new StrataError(
        `incremental table "${name}" is protected, but a ${existing.kind.replace("_", " ")} has its name; Strata will not replace it`,
        ExitCode.actionFailed,
      );
    }
    return fullBuild([]);
  }
  const notices: string[] = [];
  if (options.fullRefresh) {
    if (!action.protected) return fullBuild([`rebuilding incremental table "${name}" from scratch (--full-refresh)`]);
    notices.push(`incremental table "${name}" is protected: --full-refresh ignored, new rows added incrementally`);
  }
  return planIncrementalUpdate(action, existing, strategy, options.runId, notices);
}

function planIncrementalUpdate(
  action: TableAction,
  existing: RelationInfo,
  strategy: IncrementalStrategy,
  runId: string,
  notices: string[],
): ActionPlan {
  const { target } = action;
  const uniqueKey = action.uniqueKey ?? [];
  const onSchemaChange: OnSchemaChange = action.strata?.onSchemaChange ?? "fail";
  const incoming = sibling(target, tempName(target.name, "tmp", runId));

  // Indexes declared after the first build: `if not exists` makes them a no-op once they are there.
  const ensureIndex = plannedIndexes(action, false).map((i) => createIndexSql(i, i.name, target, true));
  if (strategy !== "append" && !hasUniqueIndexOn(existing.indexes, uniqueKey)) {
    const [index] = plannedIndexes(action, true);
    ensureIndex.unshift(createIndexSql(index, index.name, target, true));
    notices.push(`creating a unique index on (${uniqueKey.join(", ")}) of "${target.schema}.${target.name}": ${strategy} needs one`);
  }

  const dynamic = onSchemaChange === "extend" || onSchemaChange === "sync";
  const rowStatements = dynamic
    ? [dynamicMerge(target, incoming, strategy, uniqueKey, onSchemaChange)]
    : [
        schemaCheck(target, incoming, onSchemaChange),
        ...applyIncoming(target, incoming, strategy, uniqueKey, {
          columns: existing.columns.map((c) => ident(c.name)).join(", "),
          conflict: conflictAction(existing.columns.map((c) => c.name).filter((c) => !uniqueKey.includes(c))),
        }),
      ];

  // assertions.newRowsOnly: the new rows outlive the merge (until the run ends) for the inline assertions.
  const keepNewRows = action.strata?.keepsNewRows === true;
  const description = action.actionDescriptor?.description;
  const build: PlanStep = {
    description: `build new rows into ${incoming.name}`,
    transactional: false,
    statements: [
      ...(action.incrementalPreOps ?? action.preOps ?? []),
      `create unlogged table ${relation(incoming)} as ${withoutTrailingSemicolon(action.incrementalQuery ?? action.query)}`,
    ],
  };
  const apply: PlanStep = {
    description: `${strategy} new rows into ${target.name}`,
    transactional: true,
    countsRows: false,
    statements: [
      ...ensureIndex,
      ...rowStatements,
      ...(keepNewRows ? [] : [`drop table ${relation(incoming)}`]),
      ...grantStatements(action, target),
      ...(description !== undefined && description !== existing.comment ? [commentSql("table", target, description)] : []),
      ...columnCommentStatements(target, action.actionDescriptor?.columns),
    ],
  };
  return {
    target,
    materialization: "incremental",
    steps: [build, apply, ...postOperationsSteps(action.incrementalPostOps ?? action.postOps ?? [])],
    cleanup: [`drop table if exists ${relation(incoming)}`],
    notices,
    ...(keepNewRows ? { newRows: { relation: incoming, ...(strategy !== "append" ? { key: uniqueKey } : {}) } } : {}),
  };
}

interface ColumnLists {
  /** Quoted, comma-separated column names. */
  columns: string;
  /** What `on conflict (key) do …` does: `update set "a" = excluded."a", …` or `nothing`. */
  conflict: string;
}

function conflictAction(nonKeyColumns: string[]): string {
  if (nonKeyColumns.length === 0) return "nothing";
  return `update set ${nonKeyColumns.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(", ")}`;
}

/** The statements that write the new rows, for a strategy. */
function applyIncoming(target: Target, incoming: Target, strategy: IncrementalStrategy, key: string[], lists: ColumnLists): string[] {
  const { columns } = lists;
  const keyList = key.map(ident).join(", ");
  switch (strategy) {
    case "append":
      return [`insert into ${relation(target)} (${columns})\nselect ${columns} from ${relation(incoming)}`];
    case "merge": {
      const { asReturned, lastPerKey } = mergeStatements(target, incoming, key, lists);
      return [
        `lock table ${relation(target)} in share row exclusive mode`,
        `do ${dollarQuote(`\nbegin\n${indent(asReturned)}\nexception when unique_violation or cardinality_violation then\n${indent(lastPerKey)}\nend\n`, "strata")}`,
      ];
    }
    case "delete+insert":
      return [
        `delete from ${relation(target)} as existing\nusing (select distinct ${keyList} from ${relation(incoming)}) as incoming\nwhere ${key
          .map((k) => `existing.${ident(k)} = incoming.${ident(k)}`)
          .join(" and ")}`,
        `insert into ${relation(target)} (${columns})\nselect ${columns} from ${latestRowPerKey(incoming, key)} as incoming`,
      ];
  }
}

/**
 * A merge, twice: with the rows as the query returned them (`asReturned`), and with the last row it
 * returned for each key (`lastPerKey`). Most queries return each key once, and the first form then
 * writes the same rows without sorting them all (a third of the time of a day's 300k order lines);
 * a key returned twice makes one of its statements fail (a unique violation, or `on conflict`
 * reaching one row twice), which undoes it, and the second form runs instead. Each form upserts
 * the rows whose key may be in the table, then inserts plainly those whose key is above the
 * table's highest: such a key cannot be in it, and a plain insert skips the conflict check and
 * speculative insertion of `on conflict` (nearly all of a day's rows in a table that grows along
 * its key, like orders or order lines). The upsert only adds keys up to that highest, so both
 * statements compare with the same one; the caller's lock keeps another writer from adding a
 * higher key in between (readers are not blocked).
 */
function mergeStatements(target: Target, incoming: Target, key: string[], lists: ColumnLists): { asReturned: string[]; lastPerKey: string[] } {
  const { columns } = lists;
  const keyList = key.map(ident).join(", ");
  const aboveHighest = keyAboveHighest(target, key);
  const form = (rows: (where: string) => string) => [
    `insert into ${relation(target)} (${columns})\nselect ${columns} from ${rows(`(${aboveHighest}) is not true`)} as incoming\non conflict (${keyList}) do ${lists.conflict}`,
    `insert into ${relation(target)} (${columns})\nselect ${columns} from ${rows(aboveHighest)} as incoming`,
  ];
  return {
    asReturned: form((where) => `(select * from ${relation(incoming)} where ${where})`),
    lastPerKey: form((where) => latestRowPerKey(incoming, key, where)),
  };
}

function indent(statements: string[]): string {
  return statements.map((sql) => `  ${sql.replace(/\n/g, "\n  ")};`).join("\n");
}

/** The rows a merge writes: the last row the query returned for each key (among those `where` keeps). */
export function latestRowPerKey(incoming: Target, key: string[], where?: string): string {
  const keyList = key.map(ident).join(", ");
  return `(select distinct on (${keyList}) * from ${relation(incoming)}${where ? ` where ${where}` : ""} order by ${keyList}, ctid desc)`;
}

/**
 * Whether a row's key is complete (no NULL part) and sorts after every complete key of `target`,
 * which then cannot hold it; not true when the table has no complete key. Keys with a NULL part are
 * left to the merge: a row comparison looks only as far as the first differing part, so (2, NULL)
 * would count as above (1, 2). The highest key is read backwards from the end of the unique index.
 */
function keyAboveHighest(target: Target, key: string[]): string {
  const keyList = key.map(ident).join(", ");
  const complete = key.map((k) => `${ident(k)} is not null`).join(" and ");
  const highest = `select ${keyList} from ${relation(target)} where ${complete} order by ${key.map((k) => `${ident(k)} desc`).join(", ")} limit 1`;
  return `${complete} and ${key.length === 1 ? keyList : `(${keyList})`} > (${highest})`;
}

/** Columns of the new rows and of the table, compared by name (and type) in the warehouse. */
function columnDifferences(target: Target, incoming: Target): string {
  const attributes = (of: Target) =>
    `select attnum, attname::text as name, format_type(atttypid, atttypmod) as type from pg_attribute ` +
    `where attrelid = ${quoteString(relation(of))}::regclass and attnum > 0 and not attisdropped`;
  return [
    `  with incoming as (${attributes(incoming)}),`,
    `       existing as (${attributes(target)})`,
    "  select string_agg(i.name, ', ' order by i.attnum) filter (where e.name is null),",
    "         string_agg(e.name, ', ' order by e.attnum) filter (where i.name is null),",
    "         string_agg(format('%s %s -> %s', i.name, e.type, i.type), ', ' order by i.attnum) filter (where i.type <> e.type)",
    "    into added, missing, retyped",
    "    from incoming i full join existing e on e.name = i.name;",
  ].join("\n");
}

/** onSchemaChange "fail" / "ignore": stop, with a message that says what changed and what to do. */
function schemaCheck(target: Target, incoming: Target, mode: OnSchemaChange): string {
  const name = `incremental table "${target.schema}.${target.name}"`.replace(/%/g, "%%");
  const raise =
    mode === "fail"
      ? [
          "  if added is not null or missing is not null or retyped is not null then",
          `    raise exception ${quoteString(
            `${name}: the query's columns differ from the table's (new: %; missing: %; changed type: %). Set onSchemaChange: "extend" to add new columns, or rebuild it with --full-refresh`,
          )},`,
          "      coalesce(added, 'none'), coalesce(missing, 'none'), coalesce(retyped, 'none');",
          "  end if;",
        ]
      : [
          "  if missing is not null then",
          `    raise exception ${quoteString(
            `${name}: the query no longer returns column(s) % of the table (onSchemaChange: ignore). Set onSchemaChange: "sync", or rebuild it with --full-refresh`,
          )}, missing;`,
          "  end if;",
        ];
  const body = ["", "declare", "  added text;", "  missing text;", "  retyped text;", "begin", columnDifferences(target, incoming), ...raise, "end", ""];
  return `do ${dollarQuote(body.join("\n"), "strata")}`;
}

/**
 * onSchemaChange "extend" / "sync": add the new columns to the table (sync: drop the ones the query
 * no longer returns), then write the rows with the column list read from the catalog.
 */
function dynamicMerge(target: Target, incoming: Target, strategy: IncrementalStrategy, key: string[], mode: OnSchemaChange): string {
  const attributes = (of: Target) =>
    `pg_attribute a where a.attrelid = ${quoteString(relation(of))}::regclass and a.attnum > 0 and not a.attisdropped`;
  const absentFrom = (of: Target) =>
    `not exists (select 1 from pg_attribute o where o.attrelid = ${quoteString(relation(of))}::regclass and o.attname = a.attname and o.attnum > 0 and not o.attisdropped)`;
  const template = applyIncoming(target, incoming, strategy, key, { columns: "\u0001", conflict: "\u0002" }).map((sql) =>
    quoteString(sql.replace(/%/g, "%%").replace(/\u0001/g, "%1$s").replace(/\u0002/g, "%2$s")),
  );
  const keyArray = `array[${key.map(quoteString).join(", ")}]::text[]`;
  const body = [
    "",
    "declare",
    "  col record;",
    "  column_list text;",
    "  conflict_action text;",
    "begin",
    `  for col in select a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type from ${attributes(incoming)} and ${absentFrom(target)} order by a.attnum loop`,
    `    execute format('alter table %s add column %I %s', ${quoteString(relation(target))}, col.name, col.type);`,
    "  end loop;",
    ...(mode === "sync"
      ? [
          `  for col in select a.attname::text as name from ${attributes(target)} and ${absentFrom(incoming)} order by a.attnum loop`,
          `    execute format('alter table %s drop column %I', ${quoteString(relation(target))}, col.name);`,
          "  end loop;",
        ]
      : []),
    `  select string_agg(quote_ident(a.attname), ', ' order by a.attnum),`,
    `         coalesce('update set ' || string_agg(format('%1$I = excluded.%1$I', a.attname), ', ' order by a.attnum) filter (where a.attname::text <> all (${keyArray})), 'nothing')`,
    `    into column_list, conflict_action`,
    `    from ${attributes(incoming)};`,
    ...template.map((t) => `  execute format(${t}, column_list, conflict_action);`),
    "end",
    "",
  ];
  return `do ${dollarQuote(body.join("\n"), "strata")}`;
}
