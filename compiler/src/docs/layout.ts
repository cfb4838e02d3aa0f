// Layered left-to-right DAG layout, small and linear enough to run in the browser on every filter
// or focus change: longest-path layering in O(V+E) (Kahn), then a few barycenter sweeps to reduce
// crossings, then columns centred on one axis. A general-purpose engine (dagre, ELK) takes seconds
// on 5,000 nodes; this takes milliseconds, and a DAG of models reads well with it.

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 40;
export const GAP_X = 90;
export const GAP_Y = 16;

export interface LayoutInput {
  /** For each node, the indices of the nodes it depends on (edges dep → node). */
  deps: number[][];
  /** Tie-break for the initial order within a column, e.g. the node's layer rank then name. */
  sortKey: (i: number) => string;
  /**
   * Tallest a column may be before it wraps into side-by-side lanes. Default: about the square
   * root of the node count, so a 5,000-model overview is roughly square instead of a thin line.
   */
  maxRows?: number;
}

export interface Layout {
  /** Top-left corner of each node. */
  x: Float64Array;
  y: Float64Array;
  column: Int32Array;
  columns: number[][];
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

/** Column of each node: 1 + the deepest of its dependencies; nodes on a cycle are placed after their placed deps. */
export function assignColumns(deps: number[][]): Int32Array {
  const n = deps.length;
  const column = new Int32Array(n);
  const indegree = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (const d of deps[i]) {
      if (d === i) continue;
      indegree[i]++;
      dependents[d].push(i);
    }
  }
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  const done = new Uint8Array(n);
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    done[v] = 1;
    for (const w of dependents[v]) {
      if (column[w] < column[v] + 1) column[w] = column[v] + 1;
      if (--indegree[w] === 0) queue.push(w);
    }
  }
  // A cycle is a compile error elsewhere; the docs still draw it rather than hang.
  for (let i = 0; i < n; i++) if (!done[i]) column[i] = Math.max(column[i], 0);
  return column;
}

export function layoutDag(input: LayoutInput): Layout {
  const { deps } = input;
  const n = deps.length;
  const column = assignColumns(deps);
  let columnCount = 0;
  for (let i = 0; i < n; i++) columnCount = Math.max(columnCount, column[i] + 1);
  const columns: number[][] = Array.from({ length: columnCount }, () => []);
  for (let i = 0; i < n; i++) columns[column[i]].push(i);
  const keys = Array.from({ length: n }, (_, i) => input.sortKey(i));
  for (const col of columns) col.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));

  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) for (const d of deps[i]) if (d !== i) dependents[d].push(i);

  // Position of a node in its column, centred, so columns of different heights compare fairly.
  const pos = new Float64Array(n);
  const place = (col: number[]) => col.forEach((v, idx) => (pos[v] = idx - (col.length - 1) / 2));
  columns.forEach(place);
  const bary = new Float64Array(n);
  const sweep = (order: number[][], neighbours: number[][]) => {
    for (const col of order) {
      for (const v of col) {
        const ns = neighbours[v];
        let sum = 0;
        for (const u of ns) sum += pos[u];
        bary[v] = ns.length ? sum / ns.length : pos[v];
      }
      col.sort((a, b) => bary[a] - bary[b] || pos[a] - pos[b]);
      place(col);
    }
  };
  for (let round = 0; round < 3; round++) {
    sweep(columns.slice(1), deps);
    sweep(columns.slice(0, -1).reverse(), dependents);
  }

  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const bounds = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  const maxRows = Math.max(input.maxRows ?? Math.ceil(Math.sqrt((n * (NODE_WIDTH + GAP_X)) / (NODE_HEIGHT + GAP_Y))), 12);
  let lane = 0;
  for (const col of columns) {
    // A tall column wraps into lanes; nodes keep their barycenter order, lane by lane.
    const lanes = Math.max(1, Math.ceil(col.length / maxRows));
    const rows = Math.ceil(col.length / lanes);
    col.forEach((v, idx) => {
      const inLane = idx % rows;
      const laneRows = Math.min(rows, col.length - Math.floor(idx / rows) * rows);
      x[v] = (lane + Math.floor(idx / rows)) * (NODE_WIDTH + GAP_X);
      y[v] = (inLane - (laneRows - 1) / 2) * (NODE_HEIGHT + GAP_Y);
    });
    lane += lanes;
  }
  if (n > 0) {
    bounds.minX = Infinity;
    bounds.minY = Infinity;
    bounds.maxX = -Infinity;
    bounds.maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      bounds.minX = Math.min(bounds.minX, x[i]);
      bounds.minY = Math.min(bounds.minY, y[i]);
      bounds.maxX = Math.max(bounds.maxX, x[i] + NODE_WIDTH);
      bounds.maxY = Math.max(bounds.maxY, y[i] + NODE_HEIGHT);
    }
  }
  return { x, y, column, columns, bounds };
}

/** Indices within `depth` steps upstream and downstream of `start` (both directions, not sideways). */
export function neighbourhood(start: number, depth: number, deps: number[][], dependents: number[][]): Set<number> {
  const seen = new Set<number>([start]);
  for (const edges of [deps, dependents]) {
    let frontier = [start];
    for (let d = 0; d < depth && frontier.length; d++) {
      const next: number[] = [];
      for (const v of frontier) {
        for (const w of edges[v]) {
          if (seen.has(w)) continue;
          seen.add(w);
          next.push(w);
        }
      }
      frontier = next;
    }
  }
  return seen;
}
