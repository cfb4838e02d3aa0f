// SQL text for Athena. Athena runs two engines behind one API: DDL (CREATE DATABASE, ALTER TABLE,
// DROP TABLE, CREATE EXTERNAL TABLE) goes to its Hive-style DDL engine, which wants `backticks`
// and no catalog; everything else (SELECT, CTAS, CREATE VIEW, DROP VIEW, INSERT, MERGE, DELETE)
// is Trino and wants "double quotes". Glue stores names in lower case, so both are lowered.
import { quoteIdentifier, quoteTarget } from "../../graph/quote";
import type { Target } from "../../graph/types";

/** `"schema"."name"` (with the catalog when the target names one), for Trino statements. */
export function trinoName(target: Target): string {
  return quoteTarget(target, "athena");
}

/** A column for Trino statements. */
export function trinoColumn(name: string): string {
  return quoteIdentifier(name, "athena");
}

/** `` `schema`.`name` `` for Athena's DDL engine. */
export function ddlName(target: Pick<Target, "schema" | "name">): string {
  return `${ddlIdentifier(target.schema)}.${ddlIdentifier(target.name)}`;
}

export function ddlIdentifier(name: string): string {
  return `\`${name.toLowerCase().replace(/`/g, "``")}\``;
}

/** The run id as it appears in table names and S3 paths: lower case letters, digits and _. */
export function runToken(runId: string): string {
  const token = runId.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return token || "run";
}

/** `<name>__strata_tmp_<run>` / `<name>__strata_old_<run>`, in the target's Glue database. */
export function siblingTarget(target: Target, role: "tmp" | "old", runId: string): Target {
  return { ...target, name: `${target.name.toLowerCase()}__strata_${role}_${runToken(runId)}` };
}

/** A fresh data location per build, `<s3Data><schema>/<name>/<run>/`, so a rebuild never writes over live files. */
export function tableLocation(s3Data: string, target: Target, runId: string): string {
  const root = s3Data.endsWith("/") ? s3Data : `${s3Data}/`;
  return `${root}${target.schema.toLowerCase()}/${target.name.toLowerCase()}/${runToken(runId)}/`;
}

/** A query as the body of a statement: trailing semicolons and blank lines removed. */
export function body(query: string): string {
  return query.trim().replace(/;+\s*$/, "");
}
