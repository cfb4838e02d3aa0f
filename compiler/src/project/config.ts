// Project settings: `dataform.json` (Dataform v2 and Strata) or `workflow_settings.yaml` (Dataform v3),
// mapped onto one ProjectConfig. A project must have exactly one of them, as Dataform requires.
import fs from "node:fs";
import path from "node:path";
import { UserError } from "../errors";
import { positionAt } from "../sqlx/source-lines";
import { parseYamlFile } from "./yaml-errors";
import type { ProjectConfig } from "../graph/types";

export const PROJECT_DEFAULTS = {
  warehouse: "postgres",
  /** PostgreSQL's own default schema, so a model without `schema` lands where psql looks first. */
  defaultSchema: "public",
  /** Dataform's default assertion schema. */
  assertionSchema: "dataform_assertions",
} as const;

export interface LoadedProjectConfig {
  config: ProjectConfig;
  /** dataform.json or workflow_settings.yaml, relative to the project. */
  file: string;
}

/** workflow_settings.yaml keys → ProjectConfig keys (Dataform v3's own mapping). */
const WORKFLOW_SETTINGS_KEYS: Record<string, string> = {
  defaultProject: "defaultDatabase",
  defaultDataset: "defaultSchema",
  defaultLocation: "defaultLocation",
  defaultAssertionDataset: "assertionSchema",
  projectSuffix: "databaseSuffix",
  datasetSuffix: "schemaSuffix",
  namePrefix: "tablePrefix",
  vars: "vars",
};

export function loadProjectConfig(projectDir: string, varOverrides: Record<string, string> = {}): LoadedProjectConfig {
  if (!isDirectory(projectDir)) throw new UserError(`project directory ${projectDir} does not exist`);
  const jsonPath = path.join(projectDir, "dataform.json");
  const yamlPath = path.join(projectDir, "workflow_settings.yaml");
  const hasJson = fs.existsSync(jsonPath);
  const hasYaml = fs.existsSync(yamlPath);
  if (hasJson && hasYaml) {
    throw new UserError("dataform.json and workflow_settings.yaml cannot both be present (Dataform rule); keep one", { file: "workflow_settings.yaml" });
  }
  if (!hasJson && !hasYaml) {
    throw new UserError(`${projectDir} is not a Strata project: it has neither dataform.json nor workflow_settings.yaml`);
  }
  const file = hasJson ? "dataform.json" : "workflow_settings.yaml";
  const raw = hasJson ? readJson(jsonPath) : readWorkflowSettings(yamlPath);
  return { config: normalise(raw, file, varOverrides), file };
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function readJson(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, "utf8");
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      throw new UserError("dataform.json must contain a JSON object", { file: "dataform.json", line: 1 });
    }
    return value as Record<string, unknown>;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const place = at ? positionAt(text, Number(at[1])) : { line: 1, column: 1 };
    throw new UserError(`invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`, { file: "dataform.json", ...place });
  }
}

function readWorkflowSettings(file: string): Record<string, unknown> {
  const doc = parseYamlFile(fs.readFileSync(file, "utf8"), "workflow_settings.yaml");
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new UserError("workflow_settings.yaml must be a map of settings", { file: "workflow_settings.yaml", line: 1 });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    out[WORKFLOW_SETTINGS_KEYS[key] ?? key] = value;
  }
  return out;
}

function normalise(raw: Record<string, unknown>, file: string, varOverrides: Record<string, string>): ProjectConfig {
  const str = (key: string): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new UserError(`"${key}" must be a string`, { file });
    return v;
  };
  const vars: Record<string, string> = {};
  if (raw.vars !== undefined) {
    if (!raw.vars || typeof raw.vars !== "object" || Array.isArray(raw.vars)) throw new UserError(`"vars" must be a map of names to strings`, { file });
    for (const [k, v] of Object.entries(raw.vars as Record<string, unknown>)) vars[k] = String(v);
  }
  Object.assign(vars, varOverrides);
  const limit = raw.concurrentQueryLimit;
  if (limit !== undefined && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1)) {
    throw new UserError(`"concurrentQueryLimit" must be a positive integer`, { file });
  }
  const severity = raw.defaultAssertionSeverity;
  if (severity !== undefined && severity !== "error" && severity !== "warn") {
    throw new UserError(`"defaultAssertionSeverity" must be "error" or "warn"`, { file });
  }
  const config: ProjectConfig = {
    ...raw,
    warehouse: str("warehouse") ?? PROJECT_DEFAULTS.warehouse,
    defaultSchema: str("defaultSchema") ?? PROJECT_DEFAULTS.defaultSchema,
    assertionSchema: str("assertionSchema") ?? PROJECT_DEFAULTS.assertionSchema,
    vars,
  };
  for (const key of ["defaultDatabase", "defaultLocation", "schemaSuffix", "tablePrefix", "databaseSuffix"]) {
    const v = str(key);
    if (v === undefined || v === "") delete config[key];
    else config[key] = v;
  }
  if (!["postgres", "athena"].includes(config.warehouse)) {
    throw new UserError(`"warehouse" is "${config.warehouse}"; Strata supports "postgres" (also PGlite, Aurora) and "athena"`, { file });
  }
  return config;
}

/** Parses `--vars a=1,b=2` (also repeated flags). */
export function parseVars(specs: string[] | string | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  const list = specs === undefined ? [] : Array.isArray(specs) ? specs : [specs];
  for (const spec of list) {
    for (const pair of spec.split(",")) {
      if (pair.trim() === "") continue;
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new UserError(`--vars expects key=value pairs separated by commas; got "${pair}"`);
      vars[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
    }
  }
  return vars;
}
