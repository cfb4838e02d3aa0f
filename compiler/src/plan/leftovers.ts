// At the start of a run: drop what killed runs left behind (see postgres/leftovers.ts). Only the
// schemas the project writes to are searched.
import type { CompiledGraph } from "../graph/types";
import type { Warehouse } from "../warehouse/warehouse";
import { dropLeftoversStatements, findLeftoversSql, type Leftover } from "./postgres/leftovers";

/** Drops leftovers of interrupted runs; returns their `schema.name`s. Athena: nothing to do here. */
export async function cleanupLeftovers(warehouse: Pick<Warehouse, "dialect" | "execute">, graph: CompiledGraph): Promise<string[]> {
  if (warehouse.dialect !== "postgres") return [];
  const schemas = [...new Set([...graph.tables, ...graph.assertions].map((a) => a.target.schema))];
  if (schemas.length === 0) return [];
  const { rows } = await warehouse.execute(findLeftoversSql(schemas));
  const leftovers = rows.map((r) => ({ schema: String(r.schema), name: String(r.name), kind: String(r.kind) }) as Leftover);
  const removed: string[] = [];
  for (const [i, sql] of dropLeftoversStatements(leftovers).entries()) {
    await warehouse.execute(sql);
    removed.push(`${leftovers[i].schema}.${leftovers[i].name}`);
  }
  return removed;
}
