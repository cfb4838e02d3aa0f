// A synthetic CompiledGraph of N models shaped like a real platform: landing sources, staging views,
// ODS tables and marts, each reading a few models of the layers before it. Deterministic (seeded).
import type { CompiledGraph, Declaration, Table, Target } from "../../compiler/src/graph/types";
import type { RunResults } from "../../compiler/src/runner/results";

function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

export function syntheticGraph(total: number, seed = 42): CompiledGraph {
  const rand = rng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const counts = { landing: Math.round(total * 0.1), staging: Math.round(total * 0.3), ods: Math.round(total * 0.3) };
  const marts = total - counts.landing - counts.staging - counts.ods;
  const declarations: Declaration[] = [];
  const tables: Table[] = [];
  const byLayer: Record<string, Target[]> = { landing: [], staging: [], ods: [], marts: [] };
  const columns = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ path: [`col_${i}_${pick(["id", "amount", "name", "date", "code"])}`], description: `Column ${i}, documented.` }));
  for (let i = 0; i < counts.landing; i++) {
    const target = { schema: "landing", name: `raw_${i}` };
    byLayer.landing.push(target);
    declarations.push({ target, canonicalTarget: target, fileName: `definitions/landing/raw_${i}.sqlx`, actionDescriptor: { description: `Landing table ${i}.` } });
  }
  const add = (layer: string, n: number, type: Table["type"], from: string[], fanIn: [number, number]) => {
    for (let i = 0; i < n; i++) {
      const target = { schema: layer, name: `${layer}_model_${i}` };
      const deps = new Map<string, Target>();
      const want = fanIn[0] + Math.floor(rand() * (fanIn[1] - fanIn[0] + 1));
      for (let d = 0; d < want; d++) {
        const pool = byLayer[pick(from)];
        // Prefer recent models so chains get deep, as real marts do.
        const t = pool.length ? pool[Math.max(0, pool.length - 1 - Math.floor(rand() * Math.min(pool.length, 200)))] : undefined;
        if (t) deps.set(`${t.schema}.${t.name}`, t);
      }
      const dependencyTargets = [...deps.values()];
      tables.push({
        target,
        canonicalTarget: target,
        type,
        enumType: type === "view" ? "VIEW" : type === "incremental" ? "INCREMENTAL" : "TABLE",
        query: `select ${dependencyTargets.map((t, j) => `t${j}.col_${j}_id`).join(", ")}\nfrom ${dependencyTargets.map((t, j) => `"${t.schema}"."${t.name}" t${j}`).join("\ncross join ")}`,
        dependencyTargets,
        tags: [pick(["daily", "daily", "weekly", "monthly"]), ...(rand() < 0.2 ? ["finance"] : [])],
        fileName: `definitions/${layer}/${target.name}.sqlx`,
        actionDescriptor: { description: `The ${layer} model number ${i}.`, columns: columns(4 + Math.floor(rand() * 8)) },
        strata: { layer },
      });
      byLayer[layer].push(target);
    }
  };
  add("staging", counts.staging, "view", ["landing"], [1, 2]);
  add("ods", counts.ods, "table", ["staging", "staging", "ods"], [1, 4]);
  add("marts", marts, "table", ["ods", "ods", "marts"], [2, 5]);
  return {
    projectConfig: { warehouse: "postgres", defaultSchema: "analytics", assertionSchema: "assertions" },
    tables,
    operations: [],
    assertions: [],
    declarations,
    tests: [],
    graphErrors: { compilationErrors: [] },
    targets: [...declarations, ...tables].map((a) => a.target),
  };
}

export function syntheticRunResults(graph: CompiledGraph): RunResults {
  const actions = graph.tables.map((t, i) => ({
    name: t.target.name,
    target: t.target,
    type: t.type,
    status: (i % 97 === 0 ? "failed" : i % 89 === 0 ? "skipped" : "success") as "failed" | "skipped" | "success",
    durationMs: 100 + (i % 1000),
  }));
  const now = new Date().toISOString();
  return {
    runId: "bench",
    target: "local",
    adapter: "pglite",
    startedAt: now,
    finishedAt: now,
    durationMs: 1,
    status: "failed",
    exitCode: 1,
    actions,
    totals: { success: actions.filter((a) => a.status === "success").length, failed: 0, skipped: 0, warned: 0, cancelled: 0, disabled: 0 },
  };
}
