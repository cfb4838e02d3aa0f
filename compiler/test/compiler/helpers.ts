// Test helpers: throwaway projects in os.tmpdir(), and a private build of the CLI (so parallel
// test files never race on dist/).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "../../..");

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `strata-compiler-${prefix}-`));
}

/** Writes `files` (relative path → content) into a new temp project; adds dataform.json unless given. */
export function writeProject(files: Record<string, string>, prefix = "proj"): string {
  const dir = makeTempDir(prefix);
  const all = { ...files };
  if (!("dataform.json" in all) && !("workflow_settings.yaml" in all) && !("__no_config__" in all)) {
    all["dataform.json"] = JSON.stringify({ warehouse: "postgres", defaultSchema: "analytics", assertionSchema: "qa" });
  }
  delete all.__no_config__;
  for (const [rel, text] of Object.entries(all)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Bundles the CLI into a temp dir with esbuild; returns the path of a runnable script. Falls back
 * to a compile-only entry when the full CLI does not bundle (another command mid-change).
 */
export async function buildCli(): Promise<{ script: string; dir: string; full: boolean }> {
  const { build } = await import("esbuild");
  const dir = makeTempDir("cli");
  const bundle = (entry: string) =>
    build({
      entryPoints: [entry],
      outfile: path.join(dir, "bundle.js"),
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      packages: "external",
      logLevel: "silent",
    });
  let full = true;
  try {
    await bundle(path.join(repoRoot, "compiler/src/cli/main.ts"));
  } catch {
    full = false;
    console.warn("compiler tests: the full CLI does not bundle; using the compile-only entry");
    await bundle(path.join(__dirname, "compile-cli-entry.ts"));
  }
  const script = path.join(dir, "strata.js");
  fs.writeFileSync(script, `require("./bundle.js").run();\n`);
  return { script, dir, full };
}

export function runCli(script: string, args: string[], cwd?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: [path.join(repoRoot, "node_modules"), process.env.NODE_PATH].filter(Boolean).join(path.delimiter) };
  delete env.STRATA_TARGET;
  const r = spawnSync(process.execPath, [script, ...args], { cwd: cwd ?? repoRoot, encoding: "utf8", env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** runCli without blocking, so several CLI runs can overlap. */
export function runCliAsync(script: string, args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: [path.join(repoRoot, "node_modules"), process.env.NODE_PATH].filter(Boolean).join(path.delimiter) };
  delete env.STRATA_TARGET;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: cwd ?? repoRoot, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
