import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main";
import type { DocsData } from "../../src/docs/docs-data";
import { serveDocs, watchProject } from "../../src/docs/serve";
import { copyFixture, writeRunResults } from "./helpers";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function project(): string {
  const dir = copyFixture();
  dirs.push(dir);
  return dir;
}

/** Runs the CLI in-process and captures its output. */
async function strata(args: string[]) {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

describe("strata docs", () => {
  it("writes a self-contained site to .strata/docs by default", async () => {
    const dir = project();
    writeRunResults(dir, { actions: [{ name: "stg_orders", target: { schema: "staging", name: "stg_orders" }, type: "view", status: "failed", error: "boom password=hunter2" }] });
    const r = await strata(["docs", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote docs for 10 actions to .*index\.html/);
    const site = path.join(dir, ".strata", "docs");
    const index = fs.readFileSync(path.join(site, "index.html"), "utf8");
    expect(index).toContain('<script src="data/graph.js"></script>');
    // Nothing from the network: no absolute http(s) URL in the page or the code.
    expect(index).not.toMatch(/(src|href)="https?:/);
    expect(fs.readFileSync(path.join(site, "assets", "app.js"), "utf8")).not.toMatch(/https?:\/\/(cdn|unpkg|fonts)/);
    // The data is a script that assigns a global (no fetch() on file://).
    const script = fs.readFileSync(path.join(site, "data", "graph.js"), "utf8");
    const sandbox: { window: { __STRATA_DOCS__?: DocsData } } = { window: {} };
    vm.runInNewContext(script, sandbox);
    const data = sandbox.window.__STRATA_DOCS__!;
    const stg = data.nodes.find((n) => n.id === "staging.stg_orders")!;
    expect(stg.deps).toEqual(["landing.raw_orders"]);
    // The run's error text reaches the site redacted.
    expect(stg.lastRun?.error).toBe("boom password=***");
    expect(script).not.toContain("hunter2");
  });

  it("honours --out", async () => {
    const dir = project();
    const out = path.join(dir, "site");
    const r = await strata(["docs", dir, "--out", out, "--no-lineage"]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(out, "index.html"))).toBe(true);
    expect(fs.readFileSync(path.join(out, "data", "graph.js"), "utf8")).not.toContain("lineage");
  });

  it("warns about unreadable run results and still builds", async () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, ".strata"), { recursive: true });
    fs.writeFileSync(path.join(dir, ".strata", "run_results.json"), "{ not json");
    const r = await strata(["docs", dir, "--no-lineage"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: ignoring \.strata\/run_results\.json: /m);
  });

  it("fails with exit 2 and file:line on a compile error, writing nothing", async () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, "definitions", "marts", "broken.sqlx"), 'config { type: "table" }\nselect * from ${ref("no_such_model")}\n');
    const r = await strata(["docs", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: definitions\/marts\/broken\.sqlx:\d+(:\d+)?: .*no_such_model/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, ".strata", "docs"))).toBe(false);
  });

  it("rejects --port without --serve and a bad port", async () => {
    const dir = project();
    expect((await strata(["docs", dir, "--port", "9000"])).stderr).toContain("--port needs --serve");
    const bad = await strata(["docs", dir, "--serve", "--port", "http"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port expects a number from 0 to 65535; got "http"');
  });

  it("fails with exit 2 when the directory is not a project", async () => {
    const r = await strata(["docs", path.join(project(), "definitions")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("docs server", () => {
  it("serves the site on 127.0.0.1, only files under its root", async () => {
    const dir = project();
    const root = path.join(dir, "site");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, "index.html"), "<h1>hi</h1>");
    const server = await serveDocs(root, 0);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await fetch(server.url);
      expect(index.headers.get("content-type")).toContain("text/html");
      expect(await index.text()).toBe("<h1>hi</h1>");
      expect((await fetch(`${server.url}..%2fdataform.json`)).status).toBe(404);
      expect((await fetch(`${server.url}missing.js`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("sends a reload event to open pages", async () => {
    const server = await serveDocs(project(), 0);
    try {
      const res = await fetch(`${server.url}__strata/events`);
      const reader = res.body!.getReader();
      await reader.read(); // the ": connected" comment
      server.notifyReload();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toContain("event: reload");
      await reader.cancel();
    } finally {
      await server.close();
    }
  });

  it("tells a page that reconnects with an older Last-Event-ID about the rebuild it missed", async () => {
    const server = await serveDocs(project(), 0);
    try {
      server.notifyReload();
      const read = async (lastEventId: string) => {
        const res = await fetch(`${server.url}__strata/events`, { headers: { "last-event-id": lastEventId } });
        const reader = res.body!.getReader();
        const { value } = await reader.read();
        await reader.cancel();
        return new TextDecoder().decode(value);
      };
      expect(await read("0")).toBe("id: 1\nevent: reload\ndata: {}\n\n");
      expect(await read("1")).toBe("id: 1\n: connected\n\n");
    } finally {
      await server.close();
    }
  });

  it("notices a changed model and new run results", async () => {
    const dir = project();
    const seen: string[] = [];
    const stop = watchProject(dir, (what) => seen.push(what), 20);
    try {
      const wait = async (pattern: RegExp) => {
        for (let i = 0; i < 100 && !seen.some((s) => pattern.test(s)); i++) await new Promise((r) => setTimeout(r, 20));
        return seen.some((s) => pattern.test(s));
      };
      fs.appendFileSync(path.join(dir, "definitions", "marts", "sales_by_country.sqlx"), "\n-- edited\n");
      expect(await wait(/sales_by_country\.sqlx$/)).toBe(true);
      writeRunResults(dir, { actions: [] });
      expect(await wait(/run_results\.json$/)).toBe(true);
    } finally {
      stop();
    }
  });
});
