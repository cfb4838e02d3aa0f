// Bundles the TypeScript sources into dist/ with esbuild (~100 ms), so `strata` starts fast
// with plain node and no TypeScript loader. Dependencies stay external (node_modules).
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
