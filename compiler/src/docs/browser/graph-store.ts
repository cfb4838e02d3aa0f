// The docs data indexed for the browser: node by id, adjacency as index arrays, search index, colours.
import type { DocsData, DocsNode } from "../docs-data";
import { buildSearchIndex, type SearchIndex } from "./search";

const LAYER_COLOURS: Record<string, string> = {
  landing: "#566375",
  staging: "#2563eb",
  ods: "#7c3aed",
  marts: "#047857",
  other: "#b45309",
};
const EXTRA_COLOURS = ["#be185d", "#0e7490", "#4d7c0f", "#9333ea", "#c2410c"];

export const TYPE_LABELS: Record<string, string> = {
  table: "table",
  view: "view",
  "materialized view": "mat. view",
  incremental: "incremental",
  operations: "operations",
  assertion: "assertion",
  declaration: "source",
};

export class GraphStore {
  readonly nodes: DocsNode[];
  readonly indexOf = new Map<string, number>();
  readonly deps: number[][];
  readonly dependents: number[][];
  readonly layerRank = new Map<string, number>();
  readonly tags: string[];
  readonly types: string[];
  private searchIndex?: SearchIndex;

  constructor(readonly data: DocsData) {
    this.nodes = data.nodes;
    this.nodes.forEach((n, i) => this.indexOf.set(n.id, i));
    this.deps = this.nodes.map((n) => n.deps.map((d) => this.indexOf.get(d)).filter((i): i is number => i !== undefined));
    this.dependents = this.nodes.map((n) => n.dependents.map((d) => this.indexOf.get(d)).filter((i): i is number => i !== undefined));
    data.layers.forEach((l, i) => this.layerRank.set(l, i));
    this.tags = [...new Set(this.nodes.flatMap((n) => n.tags))].sort();
    this.types = [...new Set(this.nodes.map((n) => n.type))].sort();
  }

  node(id: string): DocsNode | undefined {
    const i = this.indexOf.get(id);
    return i === undefined ? undefined : this.nodes[i];
  }

  /** An id, or a bare model name when only one model has it. */
  resolve(idOrName: string): string | undefined {
    if (this.indexOf.has(idOrName)) return idOrName;
    const matches = this.nodes.filter((n) => n.name === idOrName);
    return matches.length === 1 ? matches[0].id : undefined;
  }

  /** Built on first use so the DAG page does not pay for it. */
  search(): SearchIndex {
    return (this.searchIndex ??= buildSearchIndex(this.nodes));
  }

  layerColour(layer: string): string {
    if (LAYER_COLOURS[layer]) return LAYER_COLOURS[layer];
    const rank = this.layerRank.get(layer) ?? 0;
    return EXTRA_COLOURS[rank % EXTRA_COLOURS.length];
  }
}
