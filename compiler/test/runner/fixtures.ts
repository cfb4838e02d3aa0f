// Small fixture projects in temp dirs, the built CLI, and the real PostgreSQL server for the
// runner's integration tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll } from "vitest";
import { PgliteWarehouse } from "../../src/warehouse/pglite";

export const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
export const bin = path.resolve(__dirname, "../../../bin/strata.js");

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface ProjectSpec {
  defaultSchema: string;
  files: Record<string, string>;
  /** targets.yaml text; none means the embedded PGlite default. */
  targets?: string;
  config?: Record<string, unknown>;
}

export function makeProject(spec: ProjectSpec, dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-runner-"))): string {
  const config = { warehouse: "postgres", defaultSchema: spec.defaultSchema, assertionSchema: `${spec.defaultSchema}_assertions`, ...spec.config };
  fs.writeFileSync(path.join(dir, "dataform.json"), JSON.stringify(config, null, 2));
  if (spec.targets) fs.writeFileSync(path.join(dir, "targets.yaml"), spec.targets);
  for (const sub of ["definitions", "assertions"]) fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
  for (const [rel, text] of Object.entries(spec.files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}

export const postgresTargets = `default: pg\ntargets:\n  pg: { adapter: postgres, url: "${PG_URL}" }\n`;

export function pgAvailable(): boolean {
  const r = spawnSync(process.execPath, ["-e", `const {Client}=require("pg");const c=new Client({connectionString:${JSON.stringify(PG_URL)},connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))`], {
    cwd: path.resolve(__dirname, "../../.."),
    timeout: 5000,
  });
  return r.status === 0;
}

/** The engines an integration test runs on: PGlite always, the PostgreSQL server when it is up. */
export function engines(): { name: string; targets: string | undefined; available: boolean }[] {
  return [
    { name: "PGlite", targets: undefined, available: true },
    { name: "PostgreSQL", targets: postgresTargets, available: pgAvailable() },
  ];
}

/** The temp project dirs and server schemas a test file creates, removed once its tests are done. */
export function removedAfterAll(): { dirs: string[]; schemas: string[] } {
  const made = { dirs: [] as string[], schemas: [] as string[] };
  afterAll(async () => {
    for (const d of made.dirs) fs.rmSync(d, { recursive: true, force: true });
    if (made.schemas.length > 0 && pgAvailable()) await dropSchemas(...made.schemas);
  });
  return made;
}

/** Rows of `sql` in a project's warehouse: the PostgreSQL server when `targets` is set, else its PGlite directory. */
export async function warehouseRows(projectDir: string, targets: string | undefined, sql: string): Promise<Record<string, unknown>[]> {
  if (targets) return pgQuery(sql);
  const wh = new PgliteWarehouse({ dataDir: path.join(projectDir, ".strata/warehouse") });
  await wh.connect();
  try {
    return (await wh.execute(sql)).rows;
  } finally {
    await wh.close();
  }
}

export async function pgQuery<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function dropSchemas(...schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  await pgQuery(schemas.map((s) => `drop schema if exists "${s}" cascade`).join(";"));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function strata(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, CI: "1", ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function strataAsync(args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: "1" } });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Resolves once `predicate` holds for the text seen so far on the child's stdout (or rejects after `ms`). */
export function waitForOutput(child: ChildProcess, predicate: (text: string) => boolean, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for output; saw: ${text}`)), ms);
    const onData = (d: Buffer) => {
      text += d.toString();
      if (predicate(text)) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
