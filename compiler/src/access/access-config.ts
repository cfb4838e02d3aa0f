// The `access` key of dataform.json (or workflow_settings.yaml): which roles may read (or write)
// which schemas and tables, and "insight zones" — a team owns its schemas and publishes chosen
// tables to other zones. Parsed into one flat rule per role so the rest never sees the sugar.
import { UserError } from "../errors";
import type { ProjectConfig } from "../graph/types";

/** What one managed role may do, with schema names as the warehouse spells them (suffix applied). */
export interface RoleRules {
  /** Schemas whose every table and view the role may SELECT. */
  readSchemas: string[];
  /** Schemas whose every table the role may SELECT, INSERT, UPDATE, DELETE, TRUNCATE. */
  writeSchemas: string[];
  /** Single tables (`schema.name`) the role may SELECT on top of its schemas. */
  readTables: string[];
  /** Tables (`schema.name`) withheld from the role although their schema is readable. */
  exceptTables: string[];
}

export interface AccessConfig {
  /** `create role … nologin` for managed roles that do not exist yet. */
  createRoles: boolean;
  /** Every role the config manages; privileges of other roles are never touched. */
  roles: Map<string, RoleRules>;
}

const ROLE_KEYS = ["read", "write", "tables", "except"];
const ZONE_KEYS = ["owner", "schemas", "readers", "publish"];
const ACCESS_KEYS = ["createRoles", "roles", "zones"];

/** Returns undefined when the project has no `access` key (access is then left alone). */
export function parseAccessConfig(projectConfig: ProjectConfig, file = "dataform.json"): AccessConfig | undefined {
  const raw = projectConfig.access;
  if (raw === undefined || raw === null) return undefined;
  const fail = (message: string): never => {
    throw new UserError(`access: ${message}`, { file });
  };
  if (!isMap(raw)) fail(`must be an object with "roles" and/or "zones"`);
  const access = raw as Record<string, unknown>;
  unknownKeys(access, ACCESS_KEYS, "access", fail);
  if (access.createRoles !== undefined && typeof access.createRoles !== "boolean") fail(`"createRoles" must be true or false`);

  const suffix = projectConfig.schemaSuffix;
  const schemaName = (s: string) => (suffix ? `${s}_${suffix}` : s);
  const tableName = (where: string, t: unknown): string => {
    if (typeof t !== "string" || !/^[^.\s]+\.[^.\s]+$/.test(t)) fail(`${where}: "${String(t)}" must be "schema.table"`);
    const [schema, name] = (t as string).split(".");
    return `${schemaName(schema)}.${name}`;
  };
  const names = (where: string, v: unknown): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x.trim() === "")) fail(`${where} must be a list of names`);
    return v as string[];
  };

  const roles = new Map<string, RoleRules>();
  const rulesFor = (role: string): RoleRules => {
    checkRoleName(role, fail);
    let r = roles.get(role);
    if (!r) roles.set(role, (r = { readSchemas: [], writeSchemas: [], readTables: [], exceptTables: [] }));
    return r;
  };

  if (access.roles !== undefined) {
    if (!isMap(access.roles)) fail(`"roles" must map role names to { read, write, tables, except }`);
    for (const [role, value] of Object.entries(access.roles as Record<string, unknown>)) {
      if (!isMap(value)) fail(`role "${role}" must be an object like { "read": ["marts"] }`);
      const spec = value as Record<string, unknown>;
      unknownKeys(spec, ROLE_KEYS, `role "${role}"`, fail);
      const r = rulesFor(role);
      r.readSchemas.push(...names(`role "${role}" "read"`, spec.read).map(schemaName));
      r.writeSchemas.push(...names(`role "${role}" "write"`, spec.write).map(schemaName));
      r.readTables.push(...names(`role "${role}" "tables"`, spec.tables).map((t) => tableName(`role "${role}" "tables"`, t)));
      r.exceptTables.push(...names(`role "${role}" "except"`, spec.except).map((t) => tableName(`role "${role}" "except"`, t)));
    }
  }

  if (access.zones !== undefined) {
    if (!isMap(access.zones)) fail(`"zones" must map zone names to { owner, schemas, readers, publish }`);
    const zones = access.zones as Record<string, Record<string, unknown>>;
    // Owners first, so publishing to a zone can name it before or after its own entry.
    for (const [zone, value] of Object.entries(zones)) {
      if (!isMap(value)) fail(`zone "${zone}" must be an object like { "owner": "finance_team", "schemas": ["finance"] }`);
      unknownKeys(value, ZONE_KEYS, `zone "${zone}"`, fail);
      if (typeof value.owner !== "string") fail(`zone "${zone}" needs "owner": the role of the team that owns it`);
      const schemas = names(`zone "${zone}" "schemas"`, value.schemas).map(schemaName);
      if (schemas.length === 0) fail(`zone "${zone}" needs "schemas": the schemas its team owns`);
      rulesFor(value.owner as string).readSchemas.push(...schemas);
      for (const reader of names(`zone "${zone}" "readers"`, value.readers)) rulesFor(reader).readSchemas.push(...schemas);
    }
    for (const [zone, value] of Object.entries(zones)) {
      if (value.publish === undefined) continue;
      if (!isMap(value.publish)) fail(`zone "${zone}" "publish" must map "schema.table" to the zones or roles that may read it`);
      const own = names("", value.schemas).map(schemaName);
      for (const [table, to] of Object.entries(value.publish as Record<string, unknown>)) {
        const full = tableName(`zone "${zone}" "publish"`, table);
        if (!own.includes(full.split(".")[0])) fail(`zone "${zone}" publishes "${table}", which is not in its own schemas`);
        for (const audience of names(`zone "${zone}" "publish" "${table}"`, to)) {
          const target = zones[audience];
          const role = target && typeof target.owner === "string" ? target.owner : audience;
          rulesFor(role).readTables.push(full);
        }
      }
    }
  }
  return { createRoles: access.createRoles === true, roles };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, allowed: string[], where: string, fail: (m: string) => never): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`unknown key "${key}" in ${where} (expected ${allowed.join(", ")})`);
  }
}

function checkRoleName(role: string, fail: (m: string) => never): void {
  // Predefined and reserved roles are never managed: revoking from them could lock the server out.
  if (!/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(role)) fail(`"${role}" is not a valid role name`);
  if (/^pg_/i.test(role) || ["public", "postgres", "current_user", "session_user", "current_role"].includes(role.toLowerCase())) {
    fail(`role "${role}" is reserved and cannot be managed`);
  }
}
