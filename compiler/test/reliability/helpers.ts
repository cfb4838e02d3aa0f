// Shared by the reliability tests: the real PostgreSQL server, unique names, temp projects, the
// built CLI, and a catalog snapshot to prove "the warehouse is unchanged".
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import type { ResolvedTarget } from "../../src/project/targets";
import { createWarehouse } from "../../src/warehouse";
import type { Warehouse } from "../../src/warehouse/warehouse";
import { emptyGraph } from "../helpers/graphs";

export const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
export const repoRoot = path.resolve(__dirname, "../../..");
export const bin = path.join(repoRoot, "bin/strata.js");

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function pgAvailable(): boolean {
  const script = `const {Client}=require("pg");const c=new Client({connectionString:${JSON.stringify(PG_URL)},connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))`;
  return spawnSync(process.execPath, ["-e", script], { cwd: repoRoot, timeout: 8000 }).status === 0;
}

export async function pg<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Drops test roles on the shared server (privileges first: a role that holds any cannot be dropped). */
export async function dropRoles(...roles: string[]): Promise<void> {
  for (const r of roles) {
    const exists = await pg(`select 1 from pg_roles where rolname = $1`, [r]);
    if (exists.length) await pg(`drop owned by "${r}"; drop role "${r}"`);
  }
}

export function pgTarget(config: Record<string, unknown> = {}): ResolvedTarget {
  return { name: "pg", adapter: "postgres", dialect: "postgres", config: { adapter: "postgres", url: PG_URL, ...config } };
}

export function pgliteTarget(dir: string): ResolvedTarget {
  return { name: "local", adapter: "pglite", dialect: "postgres", config: { adapter: "pglite", path: dir } };
}

export function openWarehouse(target: ResolvedTarget): Warehouse {
  return createWarehouse(target, { projectDir: os.tmpdir(), concurrency: 1 });
}

/** A graph with nothing but a project config: enough for the access planner. */
export const configOnlyGraph = emptyGraph;

export function tempDir(prefix = "strata-reliability-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function strata(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const { child, done } = strataChild(args, options);
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 90_000);
  return done.finally(() => clearTimeout(timer));
}

export function strataChild(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, CI: "1", STRATA_DEBUG: "", SLACK_WEBHOOK_URL: "", ...options.env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })));
  return { child, done };
}

/** A database of its own on the shared server: its own run lock, and nothing to collide with. */
export async function createDatabase(name: string): Promise<string> {
  await pg(`create database "${name}"`);
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

export async function dropDatabase(name: string): Promise<void> {
  await pg(`drop database if exists "${name}" with (force)`);
}

/** Every relation outside the system schemas of the database at `url`, with its kind. */
export async function databaseSnapshot(url: string, ignoreSchemas: string[] = []): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select n.nspname || '.' || coalesce(c.relname, '') || ':' || coalesce(c.relkind::text, '') as r
       from pg_namespace n left join pg_class c on c.relnamespace = n.oid and c.relkind in ('r','v','m','p')
       where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%'
         and n.nspname not like 'pg_toast_temp%' and not (n.nspname = any($1::text[])) order by 1`,
      [ignoreSchemas],
    );
    return rows.map((x: { r: string }) => x.r);
  } finally {
    await client.end();
  }
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function inPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A local port nothing listens on (bound, read, released). */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as import("node:net").AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
