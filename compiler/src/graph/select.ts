// Action selection for `--actions`, `--tags`, `--include-deps`, `--include-dependents`.
// Everything here is linear in the size of the graph: one index build, one walk, one topological sort.
import type { CompiledGraph, GraphAction, Target } from "./types";

export interface Selection {
  /** Names, `schema.name`, or patterns with `*` wildcards. */
  actions?: string[];
  tags?: string[];
  includeDeps?: boolean;
  includeDependents?: boolean;
}

export function targetKey(t: Target): string {
  return `${t.schema}.${t.name}`;
}

/** Every action of the graph as a GraphAction, in graph order (tables, operations, assertions, declarations). */
export function collectActions(graph: CompiledGraph): GraphAction[] {
  const out: GraphAction[] = [];
  for (const t of graph.tables) out.push({ kind: "table", ...t });
  for (const o of graph.operations) out.push({ kind: "operation", ...o });
  for (const a of graph.assertions) out.push({ kind: "assertion", ...a });
  for (const d of graph.declarations) out.push({ kind: "declaration", ...d });
  return out;
}

function dependencyTargetsOf(action: GraphAction): Target[] {
  return action.kind === "declaration" ? [] : action.dependencyTargets;
}

/** Kahn's algorithm; ties keep graph order so output is stable. Actions in a cycle come last. */
function topologicalOrder(actions: GraphAction[]): GraphAction[] {
  const byKey = new Map<string, number>();
  actions.forEach((a, i) => byKey.set(targetKey(a.target), i));
  const indegree = new Array<number>(actions.length).fill(0);
  const dependents: number[][] = actions.map(() => []);
  actions.forEach((a, i) => {
    const seen = new Set<number>();
    for (const dep of dependencyTargetsOf(a)) {
      const j = byKey.get(targetKey(dep));
      if (j === undefined || j === i || seen.has(j)) continue;
      seen.add(j);
      indegree[i]++;
      dependents[j].push(i);
    }
  });
  const queue: number[] = [];
  indegree.forEach((d, i) => d === 0 && queue.push(i));
  const order: GraphAction[] = [];
  const placed = new Array<boolean>(actions.length).fill(false);
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    placed[i] = true;
    order.push(actions[i]);
    for (const j of dependents[i]) if (--indegree[j] === 0) queue.push(j);
  }
  actions.forEach((a, i) => !placed[i] && order.push(a));
  return order;
}

export function allActions(graph: CompiledGraph): GraphAction[] {
  return topologicalOrder(collectActions(graph));
}

/** key → keys of the actions that depend on it directly. */
export function dependentsOf(graph: CompiledGraph): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const a of collectActions(graph)) {
    const key = targetKey(a.target);
    if (!map.has(key)) map.set(key, []);
    for (const dep of dependencyTargetsOf(a)) {
      const depKey = targetKey(dep);
      const list = map.get(depKey) ?? [];
      if (!list.includes(key)) list.push(key);
      map.set(depKey, list);
    }
  }
  return map;
}

function wildcardMatcher(pattern: string): (s: string) => boolean {
  if (!pattern.includes("*")) return (s) => s === pattern;
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return (s) => re.test(s);
}

/** Does `pattern` name this action? Plain names match the action name; `schema.name` the full target. */
export function actionMatches(action: GraphAction, pattern: string): boolean {
  const match = wildcardMatcher(pattern);
  const t = action.target;
  if (pattern.includes(".")) {
    return match(`${t.schema}.${t.name}`) || (t.database !== undefined && match(`${t.database}.${t.schema}.${t.name}`));
  }
  return match(t.name);
}

export function selectActions(graph: CompiledGraph, selection: Selection): GraphAction[] {
  const ordered = allActions(graph);
  const patterns = selection.actions?.filter((p) => p.length > 0) ?? [];
  const tags = new Set(selection.tags?.filter((t) => t.length > 0) ?? []);
  if (patterns.length === 0 && tags.size === 0) return ordered;

  const keyOf = (a: GraphAction) => targetKey(a.target);
  const selected = new Set<string>();
  for (const a of ordered) {
    const tagged = (a.tags ?? []).some((t) => tags.has(t));
    if (tagged || patterns.some((p) => actionMatches(a, p))) selected.add(keyOf(a));
  }

  // Walk from the originally selected actions only: `--include-deps --include-dependents`
  // means ancestors and descendants of the selection, not descendants of the ancestors.
  const seeds = [...selected];
  const walk = (next: (key: string) => string[]) => {
    const stack = [...seeds];
    const seen = new Set(seeds);
    while (stack.length) {
      for (const k of next(stack.pop()!)) {
        if (seen.has(k)) continue;
        seen.add(k);
        selected.add(k);
        stack.push(k);
      }
    }
  };
  if (selection.includeDeps) {
    const deps = new Map(ordered.map((a) => [keyOf(a), dependencyTargetsOf(a).map(targetKey)]));
    walk((k) => deps.get(k) ?? []);
  }
  if (selection.includeDependents) {
    const dependents = dependentsOf(graph);
    walk((k) => dependents.get(k) ?? []);
  }
  return ordered.filter((a) => selected.has(keyOf(a)));
}
