// Reads the privileges that the access plan compares, for the managed roles and schemas only.
import type { Session } from "../warehouse/warehouse";
import type { AccessCatalog } from "./plan-access";

const RELATIONS = `
  select n.nspname as schema, c.relname as name, c.relkind::text as relkind, pg_get_userbyid(c.relowner) as owner
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any($1::text[]) and c.relkind in ('r', 'p', 'v', 'm', 'f')`;

const RELATION_GRANTS = `
  select n.nspname as schema, c.relname as name, r.rolname as role, a.privilege_type as privilege
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  cross join lateral aclexplode(c.relacl) a
  join pg_roles r on r.oid = a.grantee
  where n.nspname = any($1::text[]) and r.rolname = any($2::text[]) and c.relkind in ('r', 'p', 'v', 'm', 'f')`;

const SCHEMA_USAGE = `
  select n.nspname as schema, r.rolname as role
  from pg_namespace n
  cross join lateral aclexplode(n.nspacl) a
  join pg_roles r on r.oid = a.grantee
  where n.nspname = any($1::text[]) and r.rolname = any($2::text[]) and a.privilege_type = 'USAGE'`;

export async function readAccessCatalog(session: Session, roles: string[], schemas: string[]): Promise<AccessCatalog> {
  const q = async (sql: string, params: unknown[]) => (await session.execute(sql, { params })).rows as Record<string, string>[];
  const [who] = await q("select current_user::text as name", []);
  const existingRoles = await q("select rolname::text as name from pg_roles where rolname = any($1::text[])", [roles]);
  const existingSchemas = await q("select nspname::text as name from pg_namespace where nspname = any($1::text[])", [schemas]);
  const relations = await q(RELATIONS, [schemas]);
  const grants = await q(RELATION_GRANTS, [schemas, roles]);
  const usage = await q(SCHEMA_USAGE, [schemas, roles]);
  return {
    currentUser: who.name,
    roles: new Set(existingRoles.map((r) => r.name)),
    schemas: new Set(existingSchemas.map((r) => r.name)),
    relations: relations.map((r) => ({ schema: r.schema, name: r.name, relkind: r.relkind, owner: r.owner })),
    relationGrants: grants.map((g) => ({ role: g.role, schema: g.schema, name: g.name, privilege: g.privilege })),
    schemaUsage: usage.map((u) => ({ role: u.role, schema: u.schema })),
  };
}
