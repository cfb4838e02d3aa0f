// Bundles the TypeScript sources into dist/ with esbuild (~100 ms), so `strata` starts fast
// with plain node and no TypeScript loader. Dependencies stay external (node_modules).
// The docs site's browser code is prebuilt here too, so `strata docs` needs neither the
// sources nor esbuild at run time.
import fs from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: { strata: "compiler/src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});

await build({
  entryPoints: { "docs-app": "compiler/src/docs/browser/app.ts" },
  outdir: "dist",
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  platform: "browser",
  logLevel: "warning",
});
fs.copyFileSync("compiler/src/docs/browser/styles.css", "dist/docs-app.css");
