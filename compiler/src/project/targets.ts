// targets.yaml: named connections. `${env:VAR}` is interpolated from the environment, and every
// interpolated value is registered as a secret so it is redacted wherever it might be printed.
import fs from "node:fs";
import path from "node:path";
import { UserError } from "../errors";
import { parseYamlFile } from "./yaml-errors";
import type { WarehouseKind } from "../graph/types";
import { registerSecret } from "../redact";

export type Adapter = "pglite" | "postgres" | "athena";

export interface TargetConfig {
  adapter: Adapter;
  [key: string]: unknown;
}

export interface ResolvedTarget {
  name: string;
  adapter: Adapter;
  dialect: WarehouseKind;
  /** The target's settings after `${env:VAR}` interpolation. */
  config: TargetConfig;
  /** Where it came from, for error messages. */
  file?: string;
}

const ADAPTERS: Adapter[] = ["pglite", "postgres", "athena"];

/** The embedded default used when there is no targets.yaml (a fresh clone runs with no server). */
export const DEFAULT_TARGET: ResolvedTarget = {
  name: "local",
  adapter: "pglite",
  dialect: "postgres",
  config: { adapter: "pglite", path: ".strata/warehouse" },
};

/**
 * Picks the target: `--target`, then STRATA_TARGET, then targets.yaml's `default`, then the
 * embedded PGlite default.
 */
export function resolveTarget(
  projectDir: string,
  requested?: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedTarget {
  const file = path.join(projectDir, "targets.yaml");
  const wanted = requested ?? env.STRATA_TARGET;
  if (!fs.existsSync(file)) {
    if (!wanted || wanted === DEFAULT_TARGET.name) return DEFAULT_TARGET;
    throw new UserError(`unknown target "${wanted}": there is no targets.yaml in ${projectDir}`);
  }
  // parseYamlFile loads `yaml` only now: most commands never read targets.yaml.
  const doc = parseYamlFile(fs.readFileSync(file, "utf8"), "targets.yaml");
  const root = (doc ?? {}) as { default?: string; targets?: Record<string, Record<string, unknown>> };
  const targets = root.targets ?? {};
  if (typeof targets !== "object" || Array.isArray(targets)) {
    throw new UserError(`"targets" must be a map of target names to settings`, { file: "targets.yaml" });
  }
  const name = wanted ?? root.default ?? (targets[DEFAULT_TARGET.name] ? DEFAULT_TARGET.name : Object.keys(targets)[0]);
  if (!name) return DEFAULT_TARGET;
  const raw = targets[name];
  if (!raw) {
    if (name === DEFAULT_TARGET.name) return DEFAULT_TARGET;
    const known = Object.keys(targets).join(", ") || "none";
    throw new UserError(`unknown target "${name}" (targets.yaml defines: ${known})`, { file: "targets.yaml" });
  }
  const adapter = raw.adapter as Adapter;
  if (!ADAPTERS.includes(adapter)) {
    throw new UserError(`target "${name}" has adapter "${String(raw.adapter)}"; expected one of ${ADAPTERS.join(", ")}`, { file: "targets.yaml" });
  }
  const config = interpolate(raw, name) as TargetConfig;
  return { name, adapter, dialect: adapter === "athena" ? "athena" : "postgres", config, file };
}

function interpolate(value: unknown, targetName: string): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
      const v = process.env[variable];
      if (v === undefined) {
        throw new UserError(`target "${targetName}" needs environment variable ${variable}, which is not set`, { file: "targets.yaml" });
      }
      registerSecret(v);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, targetName));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, targetName)]));
  }
  return value;
}
