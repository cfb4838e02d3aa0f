// The `strata` CLI bundled from the sources into a temp file (esbuild, ~0.2 s), so tests run the
// real command in a child process (exit codes, stdout, SIGKILL) without depending on dist/.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSync } from "esbuild";

const ROOT = path.resolve(__dirname, "../../..");

export function bundleCli(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-load-cli-"));
  const outfile = path.join(dir, "strata.js");
  buildSync({
    stdin: { contents: `require(${JSON.stringify(path.join(ROOT, "compiler/src/cli/main.ts"))}).run();`, resolveDir: ROOT, loader: "ts" },
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    logLevel: "error",
  });
  return outfile;
}

/** Dependencies stay external: the child finds them in the repository's node_modules. */
const env = () => ({ ...process.env, NODE_PATH: path.join(ROOT, "node_modules") });

export function runCli(bundle: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8", env: env() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnCli(bundle: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [bundle, ...args], { env: env(), stdio: "ignore" });
}
