// Small building blocks shared by tests: an empty compiled graph, and a seeded PRNG.
import type { CompiledGraph, ProjectConfig } from "../../src/graph/types";

/** A compiled graph with no actions: enough for planners that read only the project config. */
export function emptyGraph(projectConfig: Partial<ProjectConfig> = {}): CompiledGraph {
  return {
    projectConfig: { warehouse: "postgres", defaultSchema: "public", assertionSchema: "assertions", ...projectConfig },
    tables: [],
    operations: [],
    assertions: [],
    declarations: [],
    tests: [],
    graphErrors: { compilationErrors: [] },
    targets: [],
  };
}

/** Mulberry32: a small seeded PRNG, so "random" points are the same on every run. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
