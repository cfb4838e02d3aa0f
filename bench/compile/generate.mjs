// Generates a Dataform-compatible benchmark project of N models (see run.mjs).
// Usage on its own: node bench/compile/generate.mjs <dir> <models>
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Deterministic pseudo-random numbers, so every run compiles the same projects. */
function prng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const LAYERS = ["staging", "ods", "marts"];

export function generateProject(dir, models) {
  const rand = prng(models);
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write("workflow_settings.yaml", "defaultProject: bench\ndefaultDataset: analytics\ndefaultAssertionDataset: qa\nvars:\n  since: \"2020-01-01\"\n");
  write("package.json", JSON.stringify({ name: "bench", version: "0.0.0", private: true }));
  write("includes/helpers.js", "function since(c) { return `${c} >= '${dataform.projectConfig.vars.since}'`; }\nmodule.exports = { since };\n");
  write("definitions/sources.js", Array.from({ length: 20 }, (_, i) => `declare({ schema: "raw", name: "source_${i}" });`).join("\n") + "\n");
  for (let i = 0; i < models; i++) {
    const layer = LAYERS[Math.min(2, Math.floor((3 * i) / models))];
    const name = `${layer}_model_${i}`;
    // A chain (the previous model) plus a fan-in of up to 3 earlier models; staging reads sources.
    const refs = new Set();
    if (i === 0 || layer === "staging") refs.add(`ref("source_${i % 20}")`);
    if (i > 0) refs.add(`ref("${LAYERS[Math.min(2, Math.floor((3 * (i - 1)) / models))]}_model_${i - 1}")`);
    for (let k = 0; k < 3 && i > 10; k++) {
      const j = Math.floor(rand() * i);
      refs.add(`ref("${LAYERS[Math.min(2, Math.floor((3 * j) / models))]}_model_${j}")`);
    }
    const incremental = i % 7 === 3;
    const type = incremental ? "incremental" : i % 3 === 0 ? "table" : "view";
    const tags = [i % 2 ? "daily" : "weekly", layer];
    const assertions = i % 5 === 0 ? `,\n  assertions: { uniqueKey: ["id"], nonNull: ["id"] }` : "";
    const uniqueKey = incremental ? `,\n  uniqueKey: ["id"]` : "";
    const js = i % 10 === 0 ? `\njs {\n  const extra = ["a", "b"].map((c) => \`'\${c}' as col_\${c}\`).join(", ");\n}\n` : "";
    const extraCols = i % 10 === 0 ? ", ${extra}" : "";
    const from = [...refs].map((r, n) => (n === 0 ? `from \${${r}} t0` : `join \${${r}} t${n} using (id)`)).join("\n");
    const where = incremental ? "\n${when(incremental(), `where t0.updated_at > (select max(updated_at) from ${self()})`)}" : `\nwhere \${helpers.since("t0.updated_at")}`;
    write(
      `definitions/${layer}/${name}.sqlx`,
      `config {\n  type: "${type}",\n  schema: "${layer}",\n  tags: ${JSON.stringify(tags)},\n  description: "model ${i}",\n  columns: { id: "the key" }${uniqueKey}${assertions}\n}\n${js}\nselect t0.id, t0.updated_at${extraCols}\n${from}${where}\n`,
    );
  }
}


if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, models] = process.argv.slice(2);
  generateProject(dir, Number(models));
}
