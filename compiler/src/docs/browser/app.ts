// Entry point of the docs site: hash routing (every view has a shareable URL), the header search
// combobox, and the views. The data comes from data/graph.js, which assigns a global because
// fetch() of a JSON file does not work from file://.
import type { DocsData } from "../docs-data";
import { DagView, type DagFilters } from "./dag-view";
import { GraphStore } from "./graph-store";
import { html } from "./html";
import { dagHref, modelHref, renderDagShell, renderModelPage, renderOverview, renderSearchPage, renderSelection } from "./pages";
import { searchModels } from "./search";

declare global {
  interface Window {
    __STRATA_DOCS__?: DocsData;
  }
}

interface Route {
  view: "overview" | "model" | "dag" | "search";
  id?: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#\/?/, "");
  const [path, query = ""] = h.split("?");
  const params = new URLSearchParams(query);
  if (path.startsWith("model/")) return { view: "model", id: decodeURIComponent(path.slice(6)), params };
  if (path === "dag") return { view: "dag", params };
  if (path === "search") return { view: "search", params };
  return { view: "overview", params };
}

function dagFilters(p: URLSearchParams): DagFilters {
  const depth = Number(p.get("depth") ?? 2);
  return {
    tag: p.get("tag") || undefined,
    layer: p.get("layer") || undefined,
    type: p.get("type") || undefined,
    q: p.get("q") || undefined,
    focus: p.get("focus") || undefined,
    depth: Number.isFinite(depth) && depth >= 0 ? Math.min(depth, 50) : 2,
    assertions: p.get("assertions") === "1",
  };
}

class App {
  private main = document.getElementById("main")!;
  private dag?: { view: DagView; shell: HTMLElement };
  /** A filter edit not yet in the URL: the form must not be reset from the (older) URL meanwhile. */
  private dagEditPending = false;

  constructor(private store: GraphStore) {
    window.addEventListener("hashchange", () => this.route());
    this.setupSearch();
    this.route();
  }

  private setActiveNav(view: string) {
    document.querySelectorAll<HTMLAnchorElement>(".nav a").forEach((a) => {
      if (a.dataset.view === view) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
  }

  route(): void {
    const r = parseRoute(location.hash);
    this.setActiveNav(r.view === "search" ? "overview" : r.view);
    document.body.dataset.view = r.view;
    if (r.view === "dag") return this.showDag(r.params);
    this.detachDag();
    const name = this.store.data.project.name;
    if (r.view === "model") {
      const n = this.store.node(r.id ?? "");
      this.main.innerHTML = n
        ? renderModelPage(this.store, n).value
        : html`<h1>Not found</h1><p>No model <code>${r.id ?? ""}</code> in this project. <a href="#/">Back to the overview</a>.</p>`.value;
      document.title = `${n ? n.id : "Not found"} · ${name}`;
    } else if (r.view === "search") {
      const q = r.params.get("q") ?? "";
      this.main.innerHTML = renderSearchPage(this.store, q).value;
      document.title = `Search “${q}” · ${name}`;
    } else {
      this.main.innerHTML = renderOverview(this.store).value;
      document.title = `${name} · Strata docs`;
    }
    window.scrollTo(0, 0);
    this.main.focus({ preventScroll: true });
  }

  private detachDag() {
    if (this.dag?.shell.isConnected) this.dag.shell.remove();
  }

  private showDag(params: URLSearchParams): void {
    const filters = dagFilters(params);
    const asked = filters.focus;
    filters.focus = asked === undefined ? undefined : this.store.resolve(asked);
    if (!this.dag) {
      const holder = document.createElement("div");
      holder.innerHTML = renderDagShell(this.store).value;
      const shell = holder.firstElementChild as HTMLElement;
      this.main.replaceChildren(shell);
      const view = new DagView(shell.querySelector("#dag-main")!, this.store, {
        onSelect: (id) => this.onDagSelect(id),
        onOpen: (id) => (location.hash = modelHref(id)),
        // Keeps the current filters (read from the URL now, not when the view was created).
        onFocus: (id) => {
          const current = Object.fromEntries(parseRoute(location.hash).params);
          location.hash = dagHref({ ...current, focus: id, depth: current.depth ?? 2 });
        },
      });
      this.dag = { view, shell };
      this.bindDagControls(shell);
    } else if (!this.dag.shell.isConnected) {
      this.main.replaceChildren(this.dag.shell);
    }
    const form = this.dag.shell.querySelector<HTMLFormElement>("#dag-filters")!;
    if (!this.dagEditPending) {
      for (const name of ["q", "tag", "layer", "type"] as const) (form.elements.namedItem(name) as HTMLInputElement).value = filters[name] ?? "";
      (form.elements.namedItem("focus") as HTMLInputElement).value = asked ?? "";
      (form.elements.namedItem("depth") as HTMLInputElement).value = String(filters.depth);
      (form.elements.namedItem("assertions") as HTMLInputElement).checked = !!filters.assertions;
    }
    const shown = this.dag.view.show(filters);
    const total = this.store.nodes.length;
    this.dag.shell.querySelector("#dag-count")!.textContent =
      asked !== undefined && filters.focus === undefined
        ? `No action named “${asked}”: showing ${shown.toLocaleString()} of ${total.toLocaleString()}`
        : `Showing ${shown.toLocaleString()} of ${total.toLocaleString()} actions` + (filters.focus ? ` around ${filters.focus}` : "");
    this.onDagSelect(filters.focus);
    document.title = `DAG · ${this.store.data.project.name}`;
  }

  private onDagSelect(id: string | undefined) {
    if (!this.dag) return;
    this.dag.shell.querySelector("#dag-selection")!.innerHTML = renderSelection(this.store, id).value;
    const n = id ? this.store.node(id) : undefined;
    this.dag.shell.querySelector("#dag-announce")!.textContent = n
      ? `${n.id}, ${n.type}, ${n.layer} layer, ${n.deps.length} upstream, ${n.dependents.length} downstream`
      : "";
  }

  private bindDagControls(shell: HTMLElement) {
    const form = shell.querySelector<HTMLFormElement>("#dag-filters")!;
    const apply = () => {
      this.dagEditPending = false;
      const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
      const params: Record<string, string> = {};
      for (const k of ["q", "tag", "layer", "type", "focus"]) if (value(k)) params[k] = value(k);
      if (params.focus) params.depth = value("depth") || "2";
      if ((form.elements.namedItem("assertions") as HTMLInputElement).checked) params.assertions = "1";
      location.hash = dagHref(params);
    };
    let timer = 0;
    form.addEventListener("input", (e) => {
      clearTimeout(timer);
      this.dagEditPending = true;
      // Typing waits a moment; selects apply at once.
      const target = e.target as HTMLInputElement;
      timer = window.setTimeout(apply, target.tagName === "SELECT" || target.type === "checkbox" ? 0 : 250);
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      clearTimeout(timer);
      apply();
    });
    shell.querySelector("#dag-fit")!.addEventListener("click", () => this.dag?.view.fit());
    shell.querySelector("#dag-clear")!.addEventListener("click", () => (location.hash = "#/dag"));
  }

  /** The header search: an ARIA combobox over models and columns. */
  private setupSearch() {
    const input = document.getElementById("search") as HTMLInputElement;
    const list = document.getElementById("search-results")!;
    let active = -1;
    let ids: string[] = [];
    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const highlight = (i: number) => {
      active = i;
      list.querySelectorAll("[role=option]").forEach((el, j) => el.setAttribute("aria-selected", String(j === i)));
      if (i >= 0) input.setAttribute("aria-activedescendant", `search-opt-${i}`);
    };
    const go = (id: string) => {
      close();
      input.value = "";
      location.hash = modelHref(id);
    };
    input.addEventListener("input", () => {
      const q = input.value.trim();
      if (!q) return close();
      const hits = searchModels(this.store.search(), q, 12);
      ids = hits.map((h) => h.id);
      list.innerHTML = hits.length
        ? hits
            .map((h, i) => {
              const n = this.store.node(h.id)!;
              return html`<li role="option" id="search-opt-${i}" aria-selected="false" data-id="${h.id}"><span class="dot" style="background:${this.store.layerColour(n.layer)}" aria-hidden="true"></span><span class="opt-name">${n.id}</span>${
                h.column ? html`<span class="opt-extra">column ${h.column}</span>` : html`<span class="opt-extra">${n.type}</span>`
              }</li>`.value;
            })
            .join("")
        : `<li class="empty" role="presentation">No match</li>`;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(hits.length ? 0 : -1);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!ids.length) return;
        highlight((active + (e.key === "ArrowDown" ? 1 : -1) + ids.length) % ids.length);
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (active >= 0 && ids[active] && !list.hidden) go(ids[active]);
        else if (input.value.trim()) {
          location.hash = `#/search?q=${encodeURIComponent(input.value.trim())}`;
          close();
        }
      } else if (e.key === "Escape") close();
    });
    list.addEventListener("mousedown", (e) => {
      const li = (e.target as HTMLElement).closest<HTMLElement>("[data-id]");
      if (li) {
        e.preventDefault();
        go(li.dataset.id!);
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
    document.addEventListener("keydown", (e) => {
      const t = e.target as HTMLElement;
      if (e.key === "/" && !/^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) {
        e.preventDefault();
        input.focus();
      }
    });
  }
}

function liveReload(data: DocsData) {
  if (!data.liveReload || !location.protocol.startsWith("http")) return;
  const events = new EventSource("/__strata/events");
  events.addEventListener("reload", () => location.reload());
  // Observable (tests wait for it): a rebuild before the stream is open would go unnoticed.
  events.addEventListener("open", () => (document.documentElement.dataset.liveReload = "connected"));
}

// When the app started, after the page and the data script loaded (the benchmark reads it).
(window as unknown as { __strataBootMs: number }).__strataBootMs = performance.now();
const data = window.__STRATA_DOCS__;
if (!data) {
  document.getElementById("main")!.textContent = "The docs data (data/graph.js) did not load.";
} else {
  const brand = document.getElementById("project-name");
  if (brand) brand.textContent = data.project.name;
  const store = new GraphStore(data);
  performance.mark("strata:indexed");
  new App(store);
  performance.mark("strata:routed");
  liveReload(data);
}
