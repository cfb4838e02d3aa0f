// Page templates: pure functions from the docs data to HTML (escaped through `html`).
import type { DocsNode } from "../docs-data";
import type { GraphStore } from "./graph-store";
import { TYPE_LABELS } from "./graph-store";
import { highlightSql } from "./highlight";
import { html, type Html, raw } from "./html";
import { searchModels } from "./search";

export function modelHref(id: string): string {
  return `#/model/${encodeURIComponent(id)}`;
}

export function dagHref(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `#/dag?${s}` : "#/dag";
}

export function statusBadge(status: string | undefined): Html {
  if (!status) return html`<span class="badge status-none" title="Not in the last run">not run</span>`;
  return html`<span class="badge status-${status}">${status}</span>`;
}

export function layerBadge(store: GraphStore, layer: string): Html {
  return html`<span class="badge layer" style="--layer:${store.layerColour(layer)}">${layer}</span>`;
}

function typeBadge(type: string): Html {
  return html`<span class="badge type">${TYPE_LABELS[type] ?? type}</span>`;
}

function modelLink(store: GraphStore, id: string): Html {
  const n = store.node(id);
  if (!n) return html`<span>${id}</span>`;
  return html`<a class="model-link" href="${modelHref(id)}"><span class="dot" style="background:${store.layerColour(n.layer)}" aria-hidden="true"></span>${n.id}<span class="muted">· ${TYPE_LABELS[n.type] ?? n.type}</span></a>`;
}

function sqlBlock(label: string, sql: string): Html {
  return html`<figure class="code"><figcaption>${label}</figcaption><pre tabindex="0"><code class="sql">${raw(highlightSql(sql.replace(/^\s*\n/, "").trimEnd()))}</code></pre></figure>`;
}

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function formatDate(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function materialization(n: DocsNode): string {
  const base = TYPE_LABELS[n.type] ?? n.type;
  const extra = [n.uniqueKey?.length ? `unique key ${n.uniqueKey.join(", ")}` : "", n.protected ? "protected" : "", n.disabled ? "disabled" : ""];
  return [base, ...extra].filter(Boolean).join(" · ");
}

export function renderModelPage(store: GraphStore, n: DocsNode): Html {
  const run = n.lastRun;
  const assertions = n.assertions.map((id) => store.node(id)).filter((a): a is DocsNode => !!a);
  const meta: [string, Html | string][] = [
    ["Materialization", materialization(n)],
    ["Layer", layerBadge(store, n.layer)],
    ["Schedule", n.schedule.length ? n.schedule.join(", ") : "—"],
    ["Tags", n.tags.length ? html`${n.tags.map((t) => html`<a class="tag" href="${dagHref({ tag: t })}">${t}</a> `)}` : "—"],
    ["File", html`<code>${n.fileName || "—"}</code>`],
  ];
  if (n.severity) meta.push(["Severity", n.severity]);
  if (n.parent) meta.push(["Checks", modelLink(store, n.parent)]);
  if (run) {
    const parts = [formatDate(run.finishedAt), formatMs(run.durationMs), run.rowsAffected !== undefined ? `${run.rowsAffected.toLocaleString()} rows` : ""];
    meta.push(["Last run", html`${statusBadge(run.status)} <span class="muted">${parts.filter(Boolean).join(" · ")}</span>`]);
    if (run.error) meta.push(["Error", html`<span class="error-text">${run.error}</span>`]);
    if (run.skippedBecause) meta.push(["Skipped because", run.skippedBecause]);
    if (run.assertion) meta.push(["Failing rows", run.assertion.failingRows.toLocaleString()]);
  }
  const hasTypes = n.columns.some((c) => c.type);
  // Assertions have their own section; "Used by" lists the models that read this one.
  const usedBy = n.dependents.filter((d) => !n.assertions.includes(d));
  const lineageOf = new Map((n.lineage ?? []).map((l) => [l.column, l.sources]));

  return html`
  <article class="model-page" aria-labelledby="model-title">
    <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="#/">Overview</a> <span aria-hidden="true">/</span> <span>${n.schema}</span></nav>
    <header class="model-header">
      <div>
        <h1 id="model-title"><span class="schema">${n.schema}.</span>${n.name}</h1>
        <p class="badges">${typeBadge(n.type)} ${layerBadge(store, n.layer)} ${statusBadge(run?.status)} ${n.tags.map((t) => html`<span class="badge tag-badge">#${t}</span> `)}</p>
      </div>
      <a class="button" href="${dagHref({ focus: n.id, depth: 2 })}">View in DAG</a>
    </header>
    ${n.description ? html`<p class="description">${n.description}</p>` : html`<p class="description muted">No description.</p>`}
    <section aria-labelledby="h-details"><h2 id="h-details" class="visually-hidden">Details</h2>
      <dl class="meta">${meta.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
    </section>
    <div class="two-col">
      <section aria-labelledby="h-deps"><h2 id="h-deps">Depends on <span class="count">${n.deps.length}</span></h2>
        ${n.deps.length ? html`<ul class="link-list">${n.deps.map((d) => html`<li>${modelLink(store, d)}</li>`)}</ul>` : html`<p class="muted">Nothing: this is a source.</p>`}
      </section>
      <section aria-labelledby="h-dependents"><h2 id="h-dependents">Used by <span class="count">${usedBy.length}</span></h2>
        ${usedBy.length ? html`<ul class="link-list">${usedBy.map((d) => html`<li>${modelLink(store, d)}</li>`)}</ul>` : html`<p class="muted">Nothing depends on it.</p>`}
      </section>
    </div>
    <section aria-labelledby="h-columns"><h2 id="h-columns">Columns <span class="count">${n.columns.length}</span></h2>
      ${
        n.columns.length
          ? html`<div class="table-wrap"><table class="columns">
        <thead><tr><th scope="col">Name</th>${hasTypes ? html`<th scope="col">Type</th>` : ""}<th scope="col">Description</th><th scope="col">Tests</th>${lineageOf.size ? html`<th scope="col">Comes from</th>` : ""}</tr></thead>
        <tbody>${n.columns.map(
          (c) => html`<tr><th scope="row"><code>${c.name}</code></th>${hasTypes ? html`<td><code class="type" title="${c.typeSource === "warehouse" ? "from the warehouse" : "declared in config"}">${c.type ?? ""}</code></td>` : ""}<td>${c.description ?? ""}</td><td>${c.tests.map((t) => html`<span class="badge test">${t}</span> `)}</td>${
            lineageOf.size ? html`<td>${(lineageOf.get(c.name) ?? []).map((s) => html`<a href="${modelHref(s.model)}">${s.model}</a>.<code>${s.column}</code> `)}</td>` : ""
          }</tr>`,
        )}</tbody></table></div>`
          : html`<p class="muted">No columns documented. Add <code>columns: {...}</code> to the config block.</p>`
      }
    </section>
    ${n.lineage && !n.columns.length ? renderLineage(n) : ""}
    ${
      assertions.length
        ? html`<section aria-labelledby="h-assertions"><h2 id="h-assertions">Assertions <span class="count">${assertions.length}</span></h2>
      <div class="table-wrap"><table class="assertions"><thead><tr><th scope="col">Assertion</th><th scope="col">Severity</th><th scope="col">Last result</th><th scope="col">Failing rows</th></tr></thead>
      <tbody>${assertions.map(
        (a) => html`<tr><th scope="row"><a href="${modelHref(a.id)}">${a.name}</a></th><td>${a.severity ?? "error"}</td><td>${statusBadge(a.lastRun?.status)}</td><td>${
          a.lastRun?.assertion ? a.lastRun.assertion.failingRows.toLocaleString() : ""
        }${a.lastRun?.assertion?.sample.length ? html`<details><summary>sample</summary><pre class="sample">${a.lastRun.assertion.sample.map((r) => JSON.stringify(r)).join("\n")}</pre></details>` : ""}</td></tr>`,
      )}</tbody></table></div></section>`
        : ""
    }
    <section aria-labelledby="h-sql"><h2 id="h-sql">SQL</h2>
      ${n.sql.map((s, i) => sqlBlock(n.sql.length > 1 ? `Compiled statement ${i + 1}` : "Compiled SQL", s))}
      ${n.incrementalSql ? sqlBlock("Compiled SQL (incremental run)", n.incrementalSql) : ""}
      ${n.preOps.length ? sqlBlock("Pre-operations", n.preOps.join(";\n\n")) : ""}
      ${n.postOps.length ? sqlBlock("Post-operations", n.postOps.join(";\n\n")) : ""}
      ${n.source ? html`<details class="source"><summary>Source <code>${n.fileName}</code></summary>${sqlBlock("SQLX source", n.source)}</details>` : ""}
      ${!n.sql.length && !n.source ? html`<p class="muted">A declared source: no SQL.</p>` : ""}
    </section>
  </article>`;
}

function renderLineage(n: DocsNode): Html {
  return html`<section aria-labelledby="h-lineage"><h2 id="h-lineage">Column lineage</h2><ul class="link-list">${(n.lineage ?? []).map(
    (l) => html`<li><code>${l.column}</code> ← ${l.sources.map((s) => html`<a href="${modelHref(s.model)}">${s.model}</a>.<code>${s.column}</code> `)}</li>`,
  )}</ul></section>`;
}

export function renderOverview(store: GraphStore): Html {
  const d = store.data;
  const byLayer = new Map<string, DocsNode[]>();
  for (const n of store.nodes) {
    if (n.type === "assertion") continue;
    let list = byLayer.get(n.layer);
    if (!list) byLayer.set(n.layer, (list = []));
    list.push(n);
  }
  const counts = new Map<string, number>();
  for (const n of store.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  const run = d.lastRun;
  const LIST_LIMIT = 200;
  return html`
  <section class="overview" aria-labelledby="overview-title">
    <h1 id="overview-title">${d.project.name}</h1>
    <p class="muted">${store.nodes.length.toLocaleString()} actions on ${d.project.warehouse}${d.project.target ? ` (target ${d.project.target})` : ""} · generated ${formatDate(d.project.generatedAt)}</p>
    <div class="cards">
      ${[...counts].sort().map(([t, c]) => html`<a class="card" href="${dagHref({ type: t })}"><span class="card-number">${c.toLocaleString()}</span><span class="card-label">${TYPE_LABELS[t] ?? t}</span></a>`)}
    </div>
    ${
      run
        ? html`<div class="run-summary" role="status"><h2>Last run ${statusBadge(run.status)}</h2><p class="muted">${formatDate(run.finishedAt)} on ${run.target} (${run.adapter}) · ${Object.entries(run.totals)
            .filter(([, v]) => v)
            .map(([k, v]) => `${v} ${k}`)
            .join(", ")}</p></div>`
        : html`<p class="muted">No run results yet: run <code>strata run</code> to see statuses here.</p>`
    }
    <div class="layers">
    ${d.layers
      .filter((l) => byLayer.has(l))
      .map((l) => {
        const list = byLayer.get(l)!;
        return html`<section class="layer-section" aria-labelledby="layer-${l}"><h2 id="layer-${l}">${layerBadge(store, l)} <span class="count">${list.length}</span> <a class="small" href="${dagHref({ layer: l })}">show in DAG</a></h2>
        <ul class="link-list">${list.slice(0, LIST_LIMIT).map((n) => html`<li>${modelLink(store, n.id)}${n.description ? html`<span class="desc">${n.description}</span>` : ""}</li>`)}</ul>
        ${list.length > LIST_LIMIT ? html`<p class="muted">and ${list.length - LIST_LIMIT} more — use search.</p>` : ""}</section>`;
      })}
    </div>
  </section>`;
}

export function renderSearchPage(store: GraphStore, query: string): Html {
  const hits = searchModels(store.search(), query, 200);
  return html`<section aria-labelledby="search-title"><h1 id="search-title">Search: “${query}”</h1>
  <p class="muted" role="status">${hits.length} result${hits.length === 1 ? "" : "s"}</p>
  <ul class="results">${hits.map((h) => {
    const n = store.node(h.id)!;
    return html`<li>${modelLink(store, h.id)}${h.column ? html` <span class="muted">column</span> <code>${h.column}</code>` : ""}${n.description ? html`<span class="desc">${n.description}</span>` : ""}</li>`;
  })}</ul></section>`;
}

export function renderDagShell(store: GraphStore): Html {
  const opt = (v: string, label = v) => html`<option value="${v}">${label}</option>`;
  return html`<div class="dag-page">
    <h1 class="visually-hidden">Dependency graph</h1>
    <aside class="dag-side" aria-label="Graph controls">
      <form class="filters" id="dag-filters" role="search" aria-label="Filter the graph">
        <label>Name <input type="search" name="q" placeholder="contains…" autocomplete="off"></label>
        <label>Tag <select name="tag">${opt("", "All tags")}${store.tags.map((t) => opt(t))}</select></label>
        <label>Layer <select name="layer">${opt("", "All layers")}${store.data.layers.map((l) => opt(l))}</select></label>
        <label>Type <select name="type">${opt("", "All types")}${store.types.map((t) => opt(t, TYPE_LABELS[t] ?? t))}</select></label>
        <label>Focus <input type="text" name="focus" placeholder="schema.model" autocomplete="off"></label>
        <label>Depth <input type="number" name="depth" min="1" max="20" value="2"></label>
        <label class="check"><input type="checkbox" name="assertions"> Show assertions</label>
        <div class="filter-actions"><button type="button" id="dag-fit">Fit</button><button type="button" id="dag-clear">Clear</button></div>
      </form>
      <p id="dag-count" class="muted" role="status" aria-live="polite"></p>
      <div id="dag-selection" class="selection" aria-live="polite"></div>
      <ul class="legend" aria-label="Layer colours">${store.data.layers.map((l) => html`<li><span class="dot" style="background:${store.layerColour(l)}"></span>${l}</li>`)}</ul>
      <p id="dag-help" class="help muted">Drag to pan, scroll to zoom. Keys: arrows move between models, Enter opens, F focuses, + / − zoom, 0 fits.</p>
    </aside>
    <div class="dag-main" id="dag-main"></div>
    <div id="dag-announce" class="visually-hidden" aria-live="polite"></div>
  </div>`;
}

export function renderSelection(store: GraphStore, id: string | undefined): Html {
  const n = id ? store.node(id) : undefined;
  if (!n) return html`<p class="muted">Select a model to see it here.</p>`;
  return html`<h2 class="sel-title">${n.name}</h2>
  <p class="badges">${typeBadge(n.type)} ${layerBadge(store, n.layer)} ${statusBadge(n.lastRun?.status)}</p>
  ${n.description ? html`<p class="sel-desc">${n.description}</p>` : ""}
  <p class="sel-actions"><a class="button" href="${modelHref(n.id)}">Open ${n.name}</a> <a class="button secondary" href="${dagHref({ focus: n.id, depth: 2 })}">Focus</a></p>
  ${neighbourList(store, "Upstream", n.deps)}
  ${neighbourList(store, "Downstream", n.dependents)}`;
}

/** Links to a node's neighbours in the DAG side panel: the keyboard and screen-reader path through the graph. */
function neighbourList(store: GraphStore, label: string, ids: string[]): Html {
  const LIMIT = 8;
  if (!ids.length) return html`<p class="muted small-text">${label}: none</p>`;
  return html`<h3 class="sel-sub">${label} <span class="count">${ids.length}</span></h3>
  <ul class="sel-list">${ids.slice(0, LIMIT).map((id) => html`<li><a href="${dagHref({ focus: id, depth: 2 })}" title="Focus ${id}">${store.node(id)?.name ?? id}</a></li>`)}</ul>
  ${ids.length > LIMIT ? html`<p class="muted small-text">and ${ids.length - LIMIT} more</p>` : ""}`;
}
