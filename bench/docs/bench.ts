// Docs site at scale: builds the site of a synthetic 5,000-model project, opens it in headless
// Chromium from file:// and measures (1) time from navigation to the first drawn, interactive DAG
// and (2) how long focusing a model takes to redraw. Run: node bench/docs/run.mjs [models]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { buildDocsData } from "../../compiler/src/docs/docs-data";
import { writeDocsSite } from "../../compiler/src/docs/site";
import { syntheticGraph, syntheticRunResults } from "./synthetic-graph";

const CHROMIUM = "/usr/bin/chromium";

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

async function main() {
  const models = Number(process.argv[2] ?? 5000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "strata-docs-bench-"));
  const graph = syntheticGraph(models);
  const t0 = performance.now();
  const data = buildDocsData(graph, { projectName: `synthetic-${models}`, runResults: syntheticRunResults(graph) });
  const tData = performance.now() - t0;
  const index = await writeDocsSite(data, out);
  const tSite = performance.now() - t0;
  const bytes = fs.statSync(path.join(out, "data", "graph.js")).size;
  const appBytes = fs.statSync(path.join(out, "assets", "app.js")).size;
  console.log(`models: ${models}; docs data ${tData.toFixed(0)} ms; site written in ${tSite.toFixed(0)} ms; graph.js ${(bytes / 1e6).toFixed(1)} MB; app.js ${(appBytes / 1024).toFixed(0)} KiB`);
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`skipping the browser part: ${CHROMIUM} is not installed`);
    return;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const loads: number[] = [];
    const boots: number[] = [];
    for (let i = 0; i < 5; i++) {
      // A real load each time (a goto that changes only the hash would not reload the page).
      await page.goto("about:blank");
      await page.goto(`file://${index}#/dag`);
      await page.waitForFunction(() => (window as unknown as { __strataDocs?: { renders: number } }).__strataDocs?.renders);
      // performance.now() in the page counts from the start of navigation; firstDrawAt is taken
      // at the end of the first draw, when the data is parsed, laid out, drawn and handlers bound.
      loads.push(await page.evaluate(() => (window as unknown as { __strataDocs: { firstDrawAt: number } }).__strataDocs.firstDrawAt));
      boots.push(await page.evaluate(() => (window as unknown as { __strataBootMs: number }).__strataBootMs));
    }
    const overviewDraw = await page.evaluate(() => (window as unknown as { __strataDocs: { lastDrawMs: number } }).__strataDocs.lastDrawMs);
    const ids = data.nodes.filter((_, i) => i % Math.floor(models / 25) === 7).map((n) => n.id);
    const focus: number[] = [];
    for (const id of ids) {
      focus.push(
        await page.evaluate(async (target) => {
          const w = window as unknown as { __strataDocs: { renders: number } };
          const before = w.__strataDocs.renders;
          const t = performance.now();
          location.hash = `#/dag?focus=${encodeURIComponent(target)}&depth=2`;
          await new Promise<void>((done) => {
            const check = () => (w.__strataDocs.renders > before ? done() : requestAnimationFrame(check));
            requestAnimationFrame(check);
          });
          return performance.now() - t;
        }, id),
      );
    }
    // Zooming into the full graph: frame cost with labels drawn.
    await page.goto("about:blank");
    await page.goto(`file://${index}#/dag`);
    await page.waitForFunction(() => (window as unknown as { __strataDocs?: { renders: number } }).__strataDocs?.renders);
    // Keyboard: select the first model, which zooms in to a legible scale around it.
    await page.focus("canvas");
    await page.keyboard.press("ArrowRight");
    await page.waitForTimeout(100);
    const zoomedDraw = await page.evaluate(() => (window as unknown as { __strataDocs: { lastDrawMs: number } }).__strataDocs.lastDrawMs);
    const l = stats(loads);
    const f = stats(focus);
    const b = stats(boots);
    console.log(`DAG interactive after load (first draw, from navigation start; 5 loads): median ${l.median.toFixed(0)} ms, max ${l.max.toFixed(0)} ms`);
    console.log(`  of which loading the page and parsing the data: median ${b.median.toFixed(0)} ms; indexing, layout and first draw: the rest`);
    console.log(`focus a model, depth 2 (hash change → redrawn; ${focus.length} models): median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(1)} ms`);
    console.log(`one frame of the whole graph: overview ${overviewDraw.toFixed(1)} ms, zoomed in with labels ${zoomedDraw.toFixed(1)} ms`);
  } finally {
    await browser.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
