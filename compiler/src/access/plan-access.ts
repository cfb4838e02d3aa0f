// Pure: the grants the config wants + the privileges the catalog holds → the SQL that makes them
// equal. Only managed roles and the managed privileges (SELECT/INSERT/UPDATE/DELETE/TRUNCATE on
// relations, USAGE on schemas) are compared, so anything else in the warehouse is left alone.
import { ExitCode, StrataError } from "../errors";
import { quoteIdentifier } from "../graph/quote";
import type { AccessConfig } from "./access-config";

export type TablePrivilege = "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "TRUNCATE";
export const MANAGED_PRIVILEGES: TablePrivilege[] = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"];
const WRITE_PRIVILEGES: TablePrivilege[] = MANAGED_PRIVILEGES;

export interface CatalogRelation {
  schema: string;
  name: string;
  /** pg_class.relkind: r table, p partitioned table, v view, m materialized view, f foreign table. */
  relkind: string;
  owner: string;
}

/** What the warehouse holds now, for the managed roles and schemas. */
export interface AccessCatalog {
  currentUser: string;
  /** Roles that exist (among the managed ones). */
  roles: Set<string>;
  /** Schemas that exist (among the managed ones). */
  schemas: Set<string>;
  /** Relations in the managed schemas. */
  relations: CatalogRelation[];
  /** Current relation privileges held by managed roles: `role` → `schema.name` → privileges. */
  relationGrants: { role: string; schema: string; name: string; privilege: string }[];
  /** Current USAGE on managed schemas held by managed roles. */
  schemaUsage: { role: string; schema: string }[];
}

export interface AccessPlan {
  statements: string[];
  /** Things a user should know that do not fail the run (e.g. a configured schema that does not exist yet). */
  notices: string[];
}

/** Grants declared on a model itself (`grants:` in its config): the access config never revokes them. */
export type ModelGrants = { schema: string; name: string; role: string; privileges: string[] }[];

/** The schemas a config talks about; the catalog reader lists these. */
export function managedSchemas(config: AccessConfig, projectSchemas: string[] = []): string[] {
  const out = new Set(projectSchemas);
  for (const r of config.roles.values()) {
    for (const s of [...r.readSchemas, ...r.writeSchemas]) out.add(s);
    for (const t of [...r.readTables, ...r.exceptTables]) out.add(t.split(".")[0]);
  }
  return [...out].sort();
}

export function planAccess(config: AccessConfig, catalog: AccessCatalog, modelGrants: ModelGrants = [], projectSchemas: string[] = []): AccessPlan {
  const statements: string[] = [];
  const notices: string[] = [];
  const ident = (s: string) => quoteIdentifier(s, "postgres");
  const roles = [...config.roles.keys()].sort();

  const missing = roles.filter((r) => !catalog.roles.has(r));
  if (missing.length > 0 && !config.createRoles) {
    throw new StrataError(
      `access: role${missing.length > 1 ? "s" : ""} ${missing.map((r) => `"${r}"`).join(", ")} do${missing.length > 1 ? "" : "es"} not exist; create ${missing.length > 1 ? "them" : "it"}, or set "createRoles": true under "access" in dataform.json`,
      ExitCode.actionFailed,
    );
  }
  for (const r of missing) statements.push(`create role ${ident(r)} nologin`);

  const schemas = managedSchemas(config, projectSchemas);
  for (const s of schemas) {
    if (!catalog.schemas.has(s) && !projectSchemas.includes(s)) notices.push(`access: schema "${s}" does not exist yet; its grants are applied once it does`);
  }

  // Desired: role → relation key → privileges; role → schemas needing USAGE.
  const desired = new Map<string, Map<string, Set<TablePrivilege>>>();
  const desiredUsage = new Map<string, Set<string>>();
  const add = (role: string, key: string, privileges: TablePrivilege[]) => {
    const byRel = desired.get(role) ?? new Map<string, Set<TablePrivilege>>();
    desired.set(role, byRel);
    const set = byRel.get(key) ?? new Set<TablePrivilege>();
    byRel.set(key, set);
    for (const p of privileges) set.add(p);
    const usage = desiredUsage.get(role) ?? new Set<string>();
    desiredUsage.set(role, usage);
    usage.add(key.slice(0, key.indexOf(".")));
  };
  for (const role of roles) {
    const rules = config.roles.get(role)!;
    for (const rel of catalog.relations) {
      const key = `${rel.schema}.${rel.name}`;
      if (rules.exceptTables.includes(key)) continue;
      if (rules.readSchemas.includes(rel.schema)) add(role, key, ["SELECT"]);
      if (rules.writeSchemas.includes(rel.schema)) add(role, key, rel.relkind === "r" || rel.relkind === "p" ? WRITE_PRIVILEGES : ["SELECT"]);
      if (rules.readTables.includes(key)) add(role, key, ["SELECT"]);
    }
    // A schema granted as a whole is usable even while it has no tables yet.
    for (const s of [...rules.readSchemas, ...rules.writeSchemas]) {
      if (catalog.schemas.has(s)) (desiredUsage.get(role) ?? desiredUsage.set(role, new Set()).get(role)!).add(s);
    }
  }
  const existing = new Set(catalog.relations.map((r) => `${r.schema}.${r.name}`));
  for (const g of modelGrants) {
    if (!config.roles.has(g.role) || !existing.has(`${g.schema}.${g.name}`)) continue;
    const privileges = g.privileges.map((p) => p.toUpperCase()).flatMap((p) => (p === "ALL" || p === "ALL PRIVILEGES" ? MANAGED_PRIVILEGES : [p]));
    add(g.role, `${g.schema}.${g.name}`, privileges.filter((p): p is TablePrivilege => (MANAGED_PRIVILEGES as string[]).includes(p)));
  }

  // Current, for the same roles; owners' own privileges and the connected user are never revoked.
  const owners = new Map(catalog.relations.map((r) => [`${r.schema}.${r.name}`, r.owner]));
  const current = new Map<string, Map<string, Set<string>>>();
  for (const g of catalog.relationGrants) {
    const key = `${g.schema}.${g.name}`;
    if (!config.roles.has(g.role) || owners.get(key) === g.role || g.role === catalog.currentUser) continue;
    if (!(MANAGED_PRIVILEGES as string[]).includes(g.privilege)) continue;
    const byRel = current.get(g.role) ?? new Map<string, Set<string>>();
    current.set(g.role, byRel);
    byRel.set(key, (byRel.get(key) ?? new Set()).add(g.privilege));
  }
  const currentUsage = new Map<string, Set<string>>();
  for (const u of catalog.schemaUsage) {
    if (!config.roles.has(u.role) || u.role === catalog.currentUser) continue;
    currentUsage.set(u.role, (currentUsage.get(u.role) ?? new Set()).add(u.schema));
  }

  const relationSql = (key: string) => {
    const dot = key.indexOf(".");
    return `${ident(key.slice(0, dot))}.${ident(key.slice(dot + 1))}`;
  };
  const order = (set: Iterable<string>) => MANAGED_PRIVILEGES.filter((p) => [...set].includes(p)).map((p) => p.toLowerCase()).join(", ");
  for (const role of roles) {
    const want = desired.get(role) ?? new Map<string, Set<TablePrivilege>>();
    const have = current.get(role) ?? new Map<string, Set<string>>();
    const wantUsage = desiredUsage.get(role) ?? new Set<string>();
    const haveUsage = currentUsage.get(role) ?? new Set<string>();
    for (const s of [...haveUsage].sort()) {
      if (!wantUsage.has(s) && schemas.includes(s)) statements.push(`revoke usage on schema ${ident(s)} from ${ident(role)}`);
    }
    for (const key of [...have.keys()].sort()) {
      const extra = [...have.get(key)!].filter((p) => !want.get(key)?.has(p as TablePrivilege));
      if (extra.length > 0) statements.push(`revoke ${order(extra)} on ${relationSql(key)} from ${ident(role)}`);
    }
    for (const s of [...wantUsage].sort()) {
      if (!haveUsage.has(s)) statements.push(`grant usage on schema ${ident(s)} to ${ident(role)}`);
    }
    for (const key of [...want.keys()].sort()) {
      const lacking = [...want.get(key)!].filter((p) => !have.get(key)?.has(p));
      if (lacking.length > 0) statements.push(`grant ${order(lacking)} on ${relationSql(key)} to ${ident(role)}`);
    }
  }
  return { statements, notices };
}
