// Bundles bench.ts with esbuild (the repo has no TypeScript runner) and runs it.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.join(here, "..", ".work", "docs-bench.cjs");
await build({ entryPoints: [path.join(here, "bench.ts")], bundle: true, platform: "node", format: "cjs", packages: "external", outfile, logLevel: "warning" });
execFileSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: "inherit" });
