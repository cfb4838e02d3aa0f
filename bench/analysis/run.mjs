// SQL analysis benchmark: a generated 1,000-model project (bench/compile's generator) analysed by
// `strata lint` with a cold cache, then warm. Reports the analysis time that lint prints (parse +
// lineage + references) and the whole command's wall time.
// Usage: npm run build && node bench/analysis/run.mjs [--models 1000] [--runs 3]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateProject } from "../compile/generate.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const models = arg("models", 1000);
const runs = arg("runs", 3);

function lint(dir) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(root, "bin/strata.js"), "lint", dir, "--json"], { encoding: "utf8", maxBuffer: 1 << 28 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status === 2 || !r.stdout) throw new Error(`strata lint failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return { wallMs, analysisMs: out.analysisMs, cache: out.cache };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-bench-analysis-"));
generateProject(dir, models);
const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  fs.rmSync(path.join(dir, ".strata"), { recursive: true, force: true });
  cold.push(lint(dir));
  warm.push(lint(dir));
}
fs.rmSync(dir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const coldMs = median(cold.map((r) => r.analysisMs));
const warmMs = median(warm.map((r) => r.analysisMs));
console.log(`| models | cold analysis | warm analysis | warm/cold | cold lint (wall) | warm lint (wall) | cache (warm) |`);
console.log(`|---|---|---|---|---|---|---|`);
console.log(
  `| ${models} | ${coldMs} ms | ${warmMs} ms | ${((100 * warmMs) / coldMs).toFixed(1)}% | ${median(cold.map((r) => r.wallMs)).toFixed(0)} ms | ${median(warm.map((r) => r.wallMs)).toFixed(0)} ms | ${warm[0].cache.hits} hits / ${warm[0].cache.misses} misses |`,
);
