// Rebuilds BENCHMARKS.md from bench/BENCHMARKS.head.md and every bench/*/RESULTS.md, so each
// benchmark keeps its results next to its script and the summary never drifts from them.
// Usage: node bench/collect-results.mjs
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const bench = path.dirname(fileURLToPath(import.meta.url));
const order = ["compile", "run-overhead", "load", "incremental", "analysis", "docs"];
const sections = order
  .map((name) => path.join(bench, name, "RESULTS.md"))
  .filter((file) => fs.existsSync(file))
  .map((file) => asSection(fs.readFileSync(file, "utf8").trim()));
/** Shifts a file's headings so its top heading is `##`, a section of BENCHMARKS.md. */
function asSection(markdown) {
  const levels = [...markdown.matchAll(/^(#+) /gm)].map((m) => m[1].length);
  const shift = 2 - Math.min(...levels, 2);
  return markdown.replace(/^(#+) /gm, (_, hashes) => `${"#".repeat(hashes.length + shift)} `);
}

const head = fs.readFileSync(path.join(bench, "BENCHMARKS.head.md"), "utf8").trim();
fs.writeFileSync(path.join(bench, "..", "BENCHMARKS.md"), `${[head, ...sections].join("\n\n")}\n`);
