// The generated site in headless Chromium, opened from file:// as a user would: search, model
// page, dependencies, DAG filters and keyboard. Screenshots go to test-results/docs/ (gitignored).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDocs } from "../../src/docs/generate";
import { serveDocs } from "../../src/docs/serve";
import { copyFixture, writeRunResults } from "./helpers";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = fs.existsSync(CHROMIUM);
const REPO = path.resolve(__dirname, "../../..");
const SHOTS = path.join(REPO, "test-results", "docs");
if (!hasChromium) console.warn(`skipping the docs browser tests: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!hasChromium)("docs site in Chromium", () => {
  let browser: Browser;
  let page: Page;
  let index: string;
  const errors: string[] = [];
  const cleanup: string[] = [];

  beforeAll(async () => {
    const dir = copyFixture();
    cleanup.push(dir);
    writeRunResults(dir, {
      actions: [
        { name: "stg_orders", target: { schema: "staging", name: "stg_orders" }, type: "view", status: "success", durationMs: 40 },
        { name: "ods_orders", target: { schema: "ods", name: "ods_orders" }, type: "incremental", status: "failed", error: "division by zero" },
      ],
    });
    index = (await generateDocs({ projectDir: dir })).index;
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    cleanup.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  const open = (hash: string) => page.goto(`file://${index}${hash}`);

  it("finds a model by search and shows its page: columns, SQL, dependencies, status", async () => {
    await open("#/");
    await expect.poll(() => page.textContent("h1")).toBe(path.basename(path.dirname(path.dirname(path.dirname(index)))));
    await page.keyboard.press("/");
    await page.keyboard.type("stg_ord");
    await page.waitForSelector("#search-results [role=option]");
    expect(await page.getAttribute("#search", "aria-expanded")).toBe("true");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#model-title");
    expect(page.url()).toMatch(/#\/model\/staging\.stg_orders$/);
    expect(await page.textContent("#model-title")).toBe("staging.stg_orders");
    const rows = await page.$$eval("table.columns tbody tr", (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, " ").trim()));
    expect(rows[0]).toMatch(/^order_id The order's id from the shop unique not null/);
    expect(rows).toHaveLength(3);
    const sql = await page.textContent("figure.code code.sql");
    expect(sql).toContain('from "landing"."raw_orders"');
    expect(await page.$$eval("figure.code .tok-keyword", (els) => els.length)).toBeGreaterThan(3);
    expect(await page.textContent(".model-header .badges")).toContain("success");
    expect(await page.textContent("section[aria-labelledby=h-dependents]")).toContain("ods.ods_orders");
    await page.screenshot({ path: path.join(SHOTS, "model.png"), fullPage: true });
  });

  it("follows a dependency link to the upstream model", async () => {
    await open("#/model/staging.stg_orders");
    await page.click("section[aria-labelledby=h-deps] a");
    await page.waitForFunction(() => location.hash === "#/model/landing.raw_orders");
    expect(await page.textContent("#model-title")).toBe("landing.raw_orders");
    expect(await page.textContent("section[aria-labelledby=h-dependents]")).toContain("staging.stg_orders");
  });

  it("shows the failed run and column lineage on the incremental model", async () => {
    await open("#/model/ods.ods_orders");
    await page.waitForSelector("#model-title");
    expect(await page.textContent(".meta")).toContain("division by zero");
    const countryRow = await page.$eval("table.columns tbody tr:nth-child(2)", (tr) => (tr as HTMLElement).innerText);
    expect(countryRow).toContain("staging.stg_customers.country");
  });

  it("shows each statement of an operation", async () => {
    await open("#/model/analytics.analyze_marts");
    await page.waitForSelector("#model-title");
    const captions = await page.$$eval("figure.code figcaption", (els) => els.map((e) => e.textContent));
    expect(captions).toEqual(["Compiled statement 1", "Compiled statement 2", "SQLX source"]);
    expect(await page.textContent("section[aria-labelledby=h-deps]")).toContain("marts.sales_by_country");
  });

  it("searches columns from the search page", async () => {
    await open("#/search?q=customer_id");
    await page.waitForSelector("#search-title");
    expect(await page.textContent(".results")).toContain("column customer_id");
  });

  it("filters the DAG by tag and keeps the filter in the URL", async () => {
    await open("#/dag");
    await page.waitForSelector("canvas.dag-canvas");
    // Assertions are hidden until asked for.
    expect(await page.textContent("#dag-count")).toBe("Showing 7 of 10 actions");
    await page.check("input[name=assertions]");
    await page.waitForFunction(() => location.hash === "#/dag?assertions=1");
    expect(await page.textContent("#dag-count")).toBe("Showing 10 of 10 actions");
    await page.screenshot({ path: path.join(SHOTS, "dag.png") });
    await page.uncheck("input[name=assertions]");
    await page.waitForFunction(() => location.hash === "#/dag");
    await page.selectOption("select[name=tag]", "weekly");
    await page.waitForFunction(() => location.hash === "#/dag?tag=weekly");
    expect(await page.textContent("#dag-count")).toBe("Showing 1 of 10 actions");
    // A shared URL reproduces the view.
    await open("#/dag?tag=daily&layer=staging&type=view");
    await page.waitForSelector("canvas.dag-canvas");
    expect(await page.textContent("#dag-count")).toBe("Showing 2 of 10 actions");
    expect(await page.inputValue("select[name=layer]")).toBe("staging");
  });

  it("focuses a model N levels deep and drives the DAG from the keyboard", async () => {
    await open("#/dag?focus=ods.ods_orders&depth=1");
    await page.waitForSelector("canvas.dag-canvas");
    expect(await page.textContent("#dag-count")).toBe("Showing 4 of 10 actions around ods.ods_orders");
    expect(await page.textContent("#dag-selection")).toContain("ods_orders");
    await page.focus("canvas.dag-canvas");
    await page.keyboard.press("ArrowRight");
    expect(await page.textContent("#dag-announce")).toMatch(/^marts\.sales_by_country, table, marts layer/);
    await page.screenshot({ path: path.join(SHOTS, "dag-focus.png") });
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => location.hash === "#/model/marts.sales_by_country");
    // F focuses on the selected model and keeps the current filters.
    await open("#/dag?tag=daily");
    await page.waitForSelector("canvas.dag-canvas");
    await page.focus("canvas.dag-canvas");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("f");
    await page.waitForFunction(() => /^#\/dag\?tag=daily&focus=[^&]+&depth=2$/.test(location.hash));
        // A bare model name works as a focus too; an unknown one says so.
    await open("#/dag?focus=stg_orders&depth=1");
    await page.waitForSelector("canvas.dag-canvas");
    expect(await page.textContent("#dag-count")).toBe("Showing 3 of 10 actions around staging.stg_orders");
    await open("#/dag?focus=nope");
    await page.waitForSelector("canvas.dag-canvas");
    expect(await page.textContent("#dag-count")).toBe("No action named “nope”: showing 7 of 10");
  });

  it("reloads an open page when the served site is rebuilt (--serve)", async () => {
    const dir = copyFixture();
    cleanup.push(dir);
    const first = await generateDocs({ projectDir: dir, liveReload: true, lineage: false });
    const server = await serveDocs(first.outDir, 0);
    try {
      await page.goto(`${server.url}#/model/marts.sales_by_country`);
      await page.waitForSelector(".description");
      // The page reloads on the server's event only once its event stream is open.
      await page.waitForFunction(() => document.documentElement.dataset.liveReload === "connected");
      const file = path.join(dir, "definitions", "marts", "sales_by_country.sqlx");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("for the sales dashboard", "edited while served"));
      await generateDocs({ projectDir: dir, liveReload: true, lineage: false });
      server.notifyReload();
      await page.waitForFunction(() => document.querySelector(".description")?.textContent?.includes("edited while served"));
      expect(page.url()).toBe(`${server.url}#/model/marts.sales_by_country`);
    } finally {
      await page.goto("about:blank");
      await server.close();
    }
  });

  it("raised no page errors", () => {
    expect(errors).toEqual([]);
  });

  it.skipIf(!fs.existsSync(path.join(REPO, "definitions")))("documents the reference platform at the repo root", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "strata-docs-platform-"));
    cleanup.push(out);
    const result = await generateDocs({ projectDir: REPO, outDir: out });
    const models = result.data.nodes.filter((n) => n.type !== "assertion" && n.type !== "declaration");
    expect(models.length).toBeGreaterThan(0);
    await page.goto(`file://${result.index}#/`);
    await page.waitForSelector(".layer-section");
    await page.screenshot({ path: path.join(SHOTS, "platform-overview.png"), fullPage: true });
    const model = models[0];
    await page.goto(`file://${result.index}#/model/${model.id}`);
    await page.waitForSelector("#model-title");
    expect(await page.textContent("#model-title")).toBe(model.id);
    expect(await page.textContent("section[aria-labelledby=h-sql]")).toContain(model.sql[0].trim().slice(0, 20));
    await page.goto(`file://${result.index}#/dag`);
    await page.waitForSelector("canvas.dag-canvas");
    await page.screenshot({ path: path.join(SHOTS, "platform-dag.png") });
    expect(errors).toEqual([]);
  });
});
