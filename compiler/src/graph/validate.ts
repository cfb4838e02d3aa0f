// Whole-graph checks that need every action: duplicate targets and dependency cycles.
import { collectActions } from "./select";
import type { CompilationError, CompiledGraph, GraphAction } from "./types";

function keyOf(a: { target: { database?: string; schema: string; name: string } }): string {
  const t = a.target;
  return t.database ? `${t.database}.${t.schema}.${t.name}` : `${t.schema}.${t.name}`;
}

function placeOf(a: GraphAction): Pick<CompilationError, "fileName" | "line" | "column"> {
  const loc = a.strata?.location;
  return { fileName: loc?.file ?? a.fileName, line: loc?.line ?? 1, ...(loc?.column ? { column: loc.column } : {}) };
}

export function findDuplicateTargets(graph: CompiledGraph): CompilationError[] {
  const first = new Map<string, GraphAction>();
  const errors: CompilationError[] = [];
  for (const a of collectActions(graph)) {
    const key = keyOf(a);
    const previous = first.get(key);
    if (!previous) {
      first.set(key, a);
      continue;
    }
    const p = placeOf(previous);
    errors.push({
      message: `duplicate action "${key}": also defined at ${p.fileName}:${p.line}; names must be unique within a schema`,
      ...placeOf(a),
      actionName: a.target.name,
    });
  }
  return errors;
}

/** One error per cycle found, naming the path `a → b → a` (iterative DFS, linear time). */
export function findCycles(graph: CompiledGraph): CompilationError[] {
  const actions = collectActions(graph);
  const index = new Map<string, number>();
  actions.forEach((a, i) => index.has(keyOf(a)) || index.set(keyOf(a), i));
  const edges = actions.map((a) =>
    a.kind === "declaration" ? [] : a.dependencyTargets.map((t) => index.get(keyOf({ target: t }))).filter((j): j is number => j !== undefined),
  );
  const state = new Uint8Array(actions.length); // 0 new, 1 on the current path, 2 done
  const errors: CompilationError[] = [];
  for (let start = 0; start < actions.length; start++) {
    if (state[start]) continue;
    const path: number[] = [start];
    const next: number[] = [0];
    state[start] = 1;
    while (path.length) {
      const node = path[path.length - 1];
      const i = next[next.length - 1]++;
      if (i >= edges[node].length) {
        state[node] = 2;
        path.pop();
        next.pop();
        continue;
      }
      const dep = edges[node][i];
      if (state[dep] === 1) {
        const cycle = path.slice(path.indexOf(dep));
        // Report in reading order: a depends on b … is "a → b" where b must run first; print the
        // dependency chain from the action that closes the loop.
        const names = [...cycle, dep].map((j) => keyOf(actions[j]));
        errors.push({ message: `circular dependency: ${names.join(" → ")}`, ...placeOf(actions[dep]), actionName: actions[dep].target.name });
      } else if (state[dep] === 0) {
        state[dep] = 1;
        path.push(dep);
        next.push(0);
      }
    }
  }
  return errors;
}
