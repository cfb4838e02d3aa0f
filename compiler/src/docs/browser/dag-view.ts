// The DAG on a canvas: only nodes and edges inside the viewport are drawn, labels only when they
// are legible, and a filter or focus lays out just the nodes it keeps. That keeps 5,000 models
// smooth where one DOM/SVG element per node would not be.
import type { DocsNode } from "../docs-data";
import { type Layout, layoutDag, NODE_HEIGHT, NODE_WIDTH, neighbourhood } from "../layout";
import type { GraphStore } from "./graph-store";
import { TYPE_LABELS } from "./graph-store";

export interface DagFilters {
  tag?: string;
  layer?: string;
  type?: string;
  /** Name substring. */
  q?: string;
  focus?: string;
  depth: number;
  /** Assertions are hidden unless asked for (or filtered for by type), as dbt docs hides tests. */
  assertions?: boolean;
}

export interface DagCallbacks {
  onSelect(id: string | undefined): void;
  onOpen(id: string): void;
  onFocus(id: string): void;
}

const STATUS_COLOURS: Record<string, string> = {
  success: "#16a34a",
  failed: "#dc2626",
  warned: "#d97706",
  skipped: "#94a3b8",
  cancelled: "#94a3b8",
  disabled: "#cbd5e1",
};
const ACCENT = "#e11d48";
const MIN_ZOOM = 0.01;
const MAX_ZOOM = 2.5;

/** Indices of the nodes a set of filters keeps (the focused node is always kept). */
export function filterNodes(store: GraphStore, f: DagFilters): number[] {
  const focus = f.focus !== undefined ? store.indexOf.get(f.focus) : undefined;
  const pool = focus !== undefined ? [...neighbourhood(focus, f.depth, store.deps, store.dependents)] : store.nodes.map((_, i) => i);
  const q = f.q?.toLowerCase();
  const showAssertions = f.assertions || f.type === "assertion";
  const keep = (n: DocsNode) =>
    (showAssertions || n.type !== "assertion") &&
    (!f.tag || n.tags.includes(f.tag)) &&
    (!f.layer || n.layer === f.layer) &&
    (!f.type || n.type === f.type) &&
    (!q || n.id.toLowerCase().includes(q));
  return pool.filter((i) => i === focus || keep(store.nodes[i])).sort((a, b) => a - b);
}

export class DagView {
  readonly canvas: HTMLCanvasElement;
  private ctx: CanvasRenderingContext2D;
  private visible: number[] = [];
  /** Graph index → position in `visible`. */
  private local = new Map<number, number>();
  private localDeps: number[][] = [];
  private localDependents: number[][] = [];
  private layout?: Layout;
  private k = 1;
  private tx = 0;
  private ty = 0;
  private width = 0;
  private height = 0;
  private selected: number | undefined;
  private hovered: number | undefined;
  private focus: number | undefined;
  private frame = 0;
  private labels = new Map<number, string>();
  private resizeObserver: ResizeObserver;
  renders = 0;
  /** How long the last show() took (filter + layout), for the benchmark. */
  showMs = 0;

  constructor(
    readonly container: HTMLElement,
    private store: GraphStore,
    private callbacks: DagCallbacks,
  ) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "dag-canvas";
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute("role", "application");
    this.canvas.setAttribute("aria-roledescription", "dependency graph");
    this.canvas.setAttribute("aria-describedby", "dag-help dag-announce");
    container.appendChild(this.canvas);
    this.ctx = this.canvas.getContext("2d")!;
    this.bindEvents();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  /** Applies filters/focus: picks the nodes, lays them out, fits the view. Returns how many are shown. */
  show(filters: DagFilters): number {
    const t0 = performance.now();
    this.visible = filterNodes(this.store, filters);
    this.local = new Map(this.visible.map((g, i) => [g, i]));
    this.localDeps = this.visible.map((g) => this.store.deps[g].map((d) => this.local.get(d)).filter((d): d is number => d !== undefined));
    this.localDependents = this.visible.map((g) =>
      this.store.dependents[g].map((d) => this.local.get(d)).filter((d): d is number => d !== undefined),
    );
    const nodes = this.store.nodes;
    const rank = this.store.layerRank;
    this.layout = layoutDag({
      deps: this.localDeps,
      sortKey: (i) => `${String(rank.get(nodes[this.visible[i]].layer) ?? 99).padStart(2, "0")}${nodes[this.visible[i]].id}`,
    });
    this.labels.clear();
    this.focus = filters.focus !== undefined ? this.local.get(this.store.indexOf.get(filters.focus) ?? -1) : undefined;
    if (this.selected !== undefined && !this.local.has(this.selected)) this.selected = undefined;
    if (this.focus !== undefined) this.selected = this.visible[this.focus];
    this.fit();
    // Draw now rather than on the next frame: the view is ready the moment show() returns.
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.draw();
    this.canvas.setAttribute(
      "aria-label",
      `Dependency graph of ${this.visible.length} of ${nodes.length} actions, flowing left to right`,
    );
    this.showMs = performance.now() - t0;
    return this.visible.length;
  }

  select(id: string | undefined, reveal = true): void {
    const g = id === undefined ? undefined : this.store.indexOf.get(id);
    this.selected = g !== undefined && this.local.has(g) ? g : undefined;
    if (reveal && this.selected !== undefined) this.reveal(this.local.get(this.selected)!);
    this.callbacks.onSelect(this.selected === undefined ? undefined : this.store.nodes[this.selected].id);
    this.requestDraw();
  }

  fit(): void {
    if (!this.layout || !this.width) return this.requestDraw();
    const b = this.layout.bounds;
    const pad = 40;
    const w = Math.max(b.maxX - b.minX, 1);
    const h = Math.max(b.maxY - b.minY, 1);
    let k = Math.min((this.width - pad * 2) / w, (this.height - pad * 2) / h, 1.1);
    k = Math.max(k, MIN_ZOOM);
    this.k = k;
    this.tx = (this.width - w * k) / 2 - b.minX * k;
    this.ty = (this.height - h * k) / 2 - b.minY * k;
    this.requestDraw();
  }

  zoomBy(factor: number, cx = this.width / 2, cy = this.height / 2): void {
    const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.k * factor));
    this.tx = cx - ((cx - this.tx) * k) / this.k;
    this.ty = cy - ((cy - this.ty) * k) / this.k;
    this.k = k;
    this.requestDraw();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
    this.canvas.remove();
  }

  /** Centres a node, zooming in enough to read it. */
  private reveal(i: number): void {
    const l = this.layout!;
    const sx = l.x[i] * this.k + this.tx;
    const sy = l.y[i] * this.k + this.ty;
    if (this.k < 0.6) this.k = 0.9;
    const inView = sx > 0 && sy > 0 && sx + NODE_WIDTH * this.k < this.width && sy + NODE_HEIGHT * this.k < this.height;
    if (!inView || this.k === 0.9) {
      this.tx = this.width / 2 - (l.x[i] + NODE_WIDTH / 2) * this.k;
      this.ty = this.height / 2 - (l.y[i] + NODE_HEIGHT / 2) * this.k;
    }
  }

  private resize(): void {
    const r = this.container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const first = this.width === 0;
    this.width = Math.max(r.width, 1);
    this.height = Math.max(r.height, 1);
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    if (first && this.layout) this.fit();
    this.requestDraw();
  }

  private requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private hit(clientX: number, clientY: number): number | undefined {
    if (!this.layout) return undefined;
    const r = this.canvas.getBoundingClientRect();
    const wx = (clientX - r.left - this.tx) / this.k;
    const wy = (clientY - r.top - this.ty) / this.k;
    const { x, y } = this.layout;
    for (let i = 0; i < this.visible.length; i++) {
      if (wx >= x[i] && wx <= x[i] + NODE_WIDTH && wy >= y[i] && wy <= y[i] + NODE_HEIGHT) return this.visible[i];
    }
    return undefined;
  }

  private bindEvents(): void {
    const c = this.canvas;
    let drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | undefined;
    c.addEventListener("pointerdown", (e) => {
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener("pointermove", (e) => {
      if (drag) {
        const dx = e.clientX - drag.x;
        const dy = e.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
        if (drag.moved) {
          this.tx = drag.tx + dx;
          this.ty = drag.ty + dy;
          c.classList.add("dragging");
          this.requestDraw();
        }
        return;
      }
      const h = this.hit(e.clientX, e.clientY);
      if (h !== this.hovered) {
        this.hovered = h;
        c.style.cursor = h === undefined ? "grab" : "pointer";
        // Labels are truncated on the canvas; the tooltip shows the full id.
        c.title = h === undefined ? "" : this.store.nodes[h].id;
        this.requestDraw();
      }
    });
    c.addEventListener("pointerup", (e) => {
      const wasDrag = drag?.moved;
      drag = undefined;
      c.classList.remove("dragging");
      if (!wasDrag) {
        const h = this.hit(e.clientX, e.clientY);
        this.select(h === undefined ? undefined : this.store.nodes[h].id, false);
      }
    });
    c.addEventListener("dblclick", (e) => {
      const h = this.hit(e.clientX, e.clientY);
      if (h !== undefined) this.callbacks.onOpen(this.store.nodes[h].id);
    });
    c.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const r = c.getBoundingClientRect();
        this.zoomBy(Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015)), e.clientX - r.left, e.clientY - r.top);
      },
      { passive: false },
    );
    c.addEventListener("keydown", (e) => this.onKey(e));
  }

  private onKey(e: KeyboardEvent): void {
    const l = this.layout;
    if (!l || !this.visible.length) return;
    const sel = this.selected !== undefined ? this.local.get(this.selected) : undefined;
    const pick = (i: number | undefined) => {
      if (i === undefined) return;
      e.preventDefault();
      this.select(this.store.nodes[this.visible[i]].id);
    };
    const nearest = (cands: number[]) =>
      sel === undefined || !cands.length ? cands[0] : cands.reduce((a, b) => (Math.abs(l.y[a] - l.y[sel]) <= Math.abs(l.y[b] - l.y[sel]) ? a : b));
    switch (e.key) {
      case "ArrowRight":
      case "ArrowLeft": {
        if (sel === undefined) return pick(l.columns[0]?.[0]);
        return pick(nearest(e.key === "ArrowRight" ? this.localDependents[sel] : this.localDeps[sel]));
      }
      case "ArrowDown":
      case "ArrowUp": {
        if (sel === undefined) return pick(l.columns[0]?.[0]);
        const col = l.columns[l.column[sel]];
        const at = col.indexOf(sel) + (e.key === "ArrowDown" ? 1 : -1);
        return pick(col[at]);
      }
      case "Enter":
        if (this.selected !== undefined) this.callbacks.onOpen(this.store.nodes[this.selected].id);
        return;
      case "f":
      case "F":
        if (this.selected !== undefined) this.callbacks.onFocus(this.store.nodes[this.selected].id);
        return;
      case "Escape":
        return this.select(undefined);
      case "+":
      case "=":
        return this.zoomBy(1.25);
      case "-":
        return this.zoomBy(0.8);
      case "0":
        return this.fit();
    }
  }

  private label(g: number, maxWidth: number): string {
    let s = this.labels.get(g);
    if (s !== undefined) return s;
    s = this.store.nodes[g].name;
    if (this.ctx.measureText(s).width > maxWidth) {
      while (s.length > 1 && this.ctx.measureText(`${s}…`).width > maxWidth) s = s.slice(0, -1);
      s += "…";
    }
    this.labels.set(g, s);
    return s;
  }

  private draw(): void {
    const t0 = performance.now();
    const ctx = this.ctx;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    const l = this.layout;
    if (!l || !this.visible.length) return this.drawn(t0);
    const { k } = this;
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * this.tx, dpr * this.ty);
    // The viewport in world coordinates, for culling.
    const vx0 = -this.tx / k;
    const vy0 = -this.ty / k;
    const vx1 = vx0 + this.width / k;
    const vy1 = vy0 + this.height / k;
    const inView = (i: number) => l.x[i] + NODE_WIDTH >= vx0 && l.x[i] <= vx1 && l.y[i] + NODE_HEIGHT >= vy0 && l.y[i] <= vy1;
    const sel = this.selected !== undefined ? this.local.get(this.selected) : undefined;
    const related = new Set<number>();
    if (sel !== undefined) {
      for (const d of this.localDeps[sel]) related.add(d);
      for (const d of this.localDependents[sel]) related.add(d);
    }

    const edge = (from: number, to: number) => {
      const x1 = l.x[from] + NODE_WIDTH;
      const y1 = l.y[from] + NODE_HEIGHT / 2;
      const x2 = l.x[to];
      const y2 = l.y[to] + NODE_HEIGHT / 2;
      if (Math.max(x1, x2) < vx0 || Math.min(x1, x2) > vx1 || Math.max(y1, y2) < vy0 || Math.min(y1, y2) > vy1) return;
      const mx = (x1 + x2) / 2;
      ctx.moveTo(x1, y1);
      ctx.bezierCurveTo(mx, y1, mx, y2, x2, y2);
    };
    ctx.lineWidth = Math.max(1, 1 / k) * (k < 0.2 ? 0.6 : 1);
    ctx.strokeStyle = sel !== undefined ? "rgba(100,116,139,0.18)" : k < 0.2 ? "rgba(100,116,139,0.25)" : "rgba(100,116,139,0.55)";
    ctx.beginPath();
    for (let i = 0; i < this.visible.length; i++) for (const d of this.localDeps[i]) if (d !== sel && i !== sel) edge(d, i);
    ctx.stroke();
    if (sel !== undefined) {
      ctx.strokeStyle = ACCENT;
      ctx.lineWidth = Math.max(2, 1.5 / k);
      ctx.beginPath();
      for (const d of this.localDeps[sel]) edge(d, sel);
      for (const d of this.localDependents[sel]) edge(sel, d);
      ctx.stroke();
    }

    const nodes = this.store.nodes;
    const detailed = k >= 0.45;
    if (!detailed) {
      // Overview: plain coloured blocks, batched by colour.
      const byColour = new Map<string, number[]>();
      for (let i = 0; i < this.visible.length; i++) {
        if (!inView(i)) continue;
        const c = this.store.layerColour(nodes[this.visible[i]].layer);
        let list = byColour.get(c);
        if (!list) byColour.set(c, (list = []));
        list.push(i);
      }
      for (const [colour, list] of byColour) {
        ctx.fillStyle = colour;
        ctx.globalAlpha = sel !== undefined ? 0.45 : 0.85;
        ctx.beginPath();
        for (const i of list) ctx.rect(l.x[i], l.y[i], NODE_WIDTH, NODE_HEIGHT);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      for (const i of [sel, ...related, this.focus]) {
        if (i === undefined) continue;
        ctx.fillStyle = this.store.layerColour(nodes[this.visible[i]].layer);
        ctx.fillRect(l.x[i], l.y[i], NODE_WIDTH, NODE_HEIGHT);
        if (i === sel || i === this.focus) {
          ctx.strokeStyle = ACCENT;
          ctx.lineWidth = 3 / k;
          ctx.strokeRect(l.x[i] - 6 / k, l.y[i] - 6 / k, NODE_WIDTH + 12 / k, NODE_HEIGHT + 12 / k);
        }
      }
      return this.drawn(t0);
    }

    ctx.textBaseline = "middle";
    for (let i = 0; i < this.visible.length; i++) {
      if (!inView(i)) continue;
      const g = this.visible[i];
      const n = nodes[g];
      const x = l.x[i];
      const y = l.y[i];
      const colour = this.store.layerColour(n.layer);
      const dim = sel !== undefined && i !== sel && !related.has(i);
      ctx.globalAlpha = dim ? 0.5 : 1;
      ctx.beginPath();
      ctx.roundRect(x, y, NODE_WIDTH, NODE_HEIGHT, 7);
      ctx.fillStyle = i === sel ? "#fff1f2" : g === this.hovered ? "#f8fafc" : "#ffffff";
      ctx.fill();
      // The selected node is outlined in the accent colour; the focused one (if another) in slate.
      ctx.lineWidth = i === sel || i === this.focus ? 2.5 : 1;
      ctx.strokeStyle = i === sel ? ACCENT : i === this.focus ? "#1e293b" : "#cbd5e1";
      ctx.setLineDash(n.type === "declaration" ? [4, 3] : []);
      ctx.stroke();
      ctx.setLineDash([]);
      // Layer stripe.
      ctx.fillStyle = colour;
      ctx.beginPath();
      ctx.roundRect(x, y, 6, NODE_HEIGHT, [7, 0, 0, 7]);
      ctx.fill();
      ctx.fillStyle = "#0f172a";
      ctx.font = "600 13px system-ui, -apple-system, 'Segoe UI', sans-serif";
      ctx.fillText(this.label(g, NODE_WIDTH - 34), x + 14, y + 14);
      ctx.fillStyle = "#475569";
      ctx.font = "11px system-ui, -apple-system, 'Segoe UI', sans-serif";
      ctx.fillText(`${TYPE_LABELS[n.type] ?? n.type} · ${n.layer}`, x + 14, y + NODE_HEIGHT - 11);
      const status = n.lastRun?.status;
      if (status) {
        ctx.beginPath();
        ctx.arc(x + NODE_WIDTH - 14, y + 13, 5, 0, Math.PI * 2);
        ctx.fillStyle = STATUS_COLOURS[status] ?? "#94a3b8";
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    return this.drawn(t0);
  }

  private drawn(t0: number): void {
    this.renders++;
    const w = window as unknown as { __strataDocs?: { renders: number; lastDrawMs: number; lastShowMs: number; firstDrawAt: number } };
    const now = performance.now();
    w.__strataDocs = { renders: this.renders, lastDrawMs: now - t0, lastShowMs: this.showMs, firstDrawAt: w.__strataDocs?.firstDrawAt ?? now };
  }
}
