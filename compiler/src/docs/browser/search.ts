// Client-side search over models, columns, tags and descriptions. A linear scan of lower-cased
// strings: at 5,000 models that is about a millisecond a keystroke, with no index to download.
import type { DocsNode } from "../docs-data";

interface Entry {
  id: string;
  name: string;
  fullId: string;
  description: string;
  tags: string[];
  columns: { name: string; original: string; description: string }[];
}

export interface SearchHit {
  id: string;
  score: number;
  /** The column that matched, when the match was on a column. */
  column?: string;
  matchedOn: "name" | "column" | "tag" | "description";
}

export type SearchIndex = Entry[];

export function buildSearchIndex(nodes: DocsNode[]): SearchIndex {
  return nodes.map((n) => ({
    id: n.id,
    name: n.name.toLowerCase(),
    fullId: n.id.toLowerCase(),
    description: (n.description ?? "").toLowerCase(),
    tags: n.tags.map((t) => t.toLowerCase()),
    columns: n.columns.map((c) => ({ name: c.name.toLowerCase(), original: c.name, description: (c.description ?? "").toLowerCase() })),
  }));
}

function scoreToken(e: Entry, token: string): Omit<SearchHit, "id"> | undefined {
  if (e.name === token || e.fullId === token) return { score: 100, matchedOn: "name" };
  if (e.name.startsWith(token)) return { score: 80, matchedOn: "name" };
  if (e.name.includes(token) || e.fullId.includes(token)) return { score: 60, matchedOn: "name" };
  if (e.tags.includes(token)) return { score: 40, matchedOn: "tag" };
  let best: Omit<SearchHit, "id"> | undefined;
  for (const c of e.columns) {
    const s = c.name === token ? 35 : c.name.includes(token) ? 30 : c.description.includes(token) ? 8 : 0;
    if (s && (!best || s > best.score)) best = { score: s, matchedOn: "column", column: c.original };
  }
  if (best && best.score >= 30) return best;
  if (e.description.includes(token)) return { score: 10, matchedOn: "description" };
  return best;
}

/** Models matching every word of `query`, best first (ties by name). */
export function searchModels(index: SearchIndex, query: string, limit = 50): SearchHit[] {
  const tokens = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!tokens.length) return [];
  const hits: SearchHit[] = [];
  for (const e of index) {
    let total = 0;
    let first: Omit<SearchHit, "id"> | undefined;
    for (const t of tokens) {
      const s = scoreToken(e, t);
      if (!s) {
        total = -1;
        break;
      }
      total += s.score;
      if (!first || (s.column && !first.column)) first = s;
    }
    if (total > 0 && first) hits.push({ ...first, id: e.id, score: total });
  }
  hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return hits.slice(0, limit);
}
