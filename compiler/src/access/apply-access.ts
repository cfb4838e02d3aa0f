// The thin, impure part: read the catalog, plan, and run the statements in one transaction so a
// failure leaves the previous privileges in place. Called by the runner at the end of every run.
import type { CompiledGraph } from "../graph/types";
import { redact } from "../redact";
import type { Warehouse } from "../warehouse/warehouse";
import { parseAccessConfig } from "./access-config";
import { planAccess, managedSchemas, type AccessPlan, type ModelGrants } from "./plan-access";
import { readAccessCatalog } from "./read-access-catalog";

/** The schemas the project builds into; the access config revokes stray grants there too. */
export function projectSchemas(graph: CompiledGraph): string[] {
  const out = new Set<string>();
  for (const a of [...graph.tables, ...graph.assertions, ...graph.operations]) {
    if (a.target && !(a as { disabled?: boolean }).disabled) out.add(a.target.schema);
  }
  return [...out].sort();
}

function modelGrants(graph: CompiledGraph): ModelGrants {
  return graph.tables.flatMap((t) =>
    Object.entries(t.strata?.grants ?? {}).map(([role, privileges]) => ({ schema: t.target.schema, name: t.target.name, role, privileges })),
  );
}

/** Checks the `access` config without touching the warehouse (a bad config is exit 2 before a run). */
export function validateAccessConfig(graph: CompiledGraph): void {
  parseAccessConfig(graph.projectConfig);
}

/**
 * Makes the warehouse's privileges match the `access` config. Returns undefined when the project
 * has no `access` key. Throws a StrataError (exit 1) when a managed role is missing.
 */
export async function applyAccessControl(warehouse: Warehouse, graph: CompiledGraph): Promise<AccessPlan | undefined> {
  const config = parseAccessConfig(graph.projectConfig);
  if (!config) return undefined;
  if (warehouse.dialect === "athena") {
    return { statements: [], notices: ["access: Athena privileges are managed in Lake Formation; the \"access\" config is not applied (see README)"] };
  }
  const schemasInProject = projectSchemas(graph);
  const roles = [...config.roles.keys()];
  return warehouse.transaction(async (session) => {
    const catalog = await readAccessCatalog(session, roles, managedSchemas(config, schemasInProject));
    const plan = planAccess(config, catalog, modelGrants(graph), schemasInProject);
    for (const sql of plan.statements) await session.execute(sql);
    return plan;
  });
}

/**
 * The runner's hook, after the actions ran: applies the access config and reports what it did
 * through `notice`. A failure here never hides the actions' results; it makes the run exit 1.
 * Returns the exit code the access step asks for (0 or 1).
 */
export async function applyAccessAfterRun(warehouse: Warehouse, graph: CompiledGraph, notice: (message: string) => void, cancelled: boolean): Promise<0 | 1> {
  if (cancelled || graph.projectConfig.access === undefined) return 0;
  try {
    const plan = await applyAccessControl(warehouse, graph);
    for (const n of plan?.notices ?? []) notice(n);
    if (plan && plan.statements.length > 0) notice(`access: applied ${plan.statements.length} grant/revoke statement(s)`);
    return 0;
  } catch (err) {
    notice(`access control not applied: ${redact((err as Error).message ?? String(err)).split("\n")[0]}`);
    return 1;
  }
}
