// Runner overhead benchmark: a 500-model DAG of small models (tables and views over 100-row
// roots), built by `strata run` and by executing exactly the same SQL — the statements
// `strata run --dry-run --json` prints, in the same order, with the same BEGIN/COMMIT — through
// one connection. Measured on the real PostgreSQL server (pg) and on PGlite (embedded), same run.
//
// Usage: npm run build && node bench/run-overhead/run.mjs [--models 500] [--runs 3] [--skip-pglite]
// Both sides start from the same state each time: "fresh" drops the schema first, "rebuild" runs
// over tables that already exist (the swap path: temp table, rename, dependent views recreated).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(root, "package.json"));
const { Client } = require("pg");
const { PGlite } = require("@electric-sql/pglite");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const MODELS = Number(args.models ?? 500);
const RUNS = Number(args.runs ?? 3);
// A database of its own: Strata's run lock is per database, so the benchmark never blocks (or
// waits for) other runs on the shared test database.
const SERVER_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const BENCH_DB = `strata_bench_run_${process.pid}`;
const PG_URL = SERVER_URL.replace(/\/[^/?]*(\?|$)/, `/${BENCH_DB}$1`);
const bin = path.join(root, "bin/strata.js");

/** Deterministic: every run builds the same DAG. */
function prng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function generateProject(dir, schema, models) {
  const rand = prng(42);
  fs.writeFileSync(path.join(dir, "dataform.json"), JSON.stringify({ warehouse: "postgres", defaultSchema: schema, assertionSchema: `${schema}_qa` }));
  fs.mkdirSync(path.join(dir, "definitions"), { recursive: true });
  const roots = Math.max(1, Math.floor(models / 10));
  for (let i = 0; i < models; i++) {
    let body;
    let type;
    if (i < roots) {
      type = "table";
      body = `select g as id, g % 10 as k, 'row ' || g as label from generate_series(1, 100) g`;
    } else {
      type = i % 2 === 0 ? "table" : "view";
      const a = Math.floor(rand() * i);
      const b = Math.floor(rand() * i);
      body = `select x.id, x.k, x.label from \${ref("m${a}")} x join \${ref("m${b}")} y using (id) where x.k >= 0`;
    }
    fs.writeFileSync(path.join(dir, "definitions", `m${i}.sqlx`), `config { type: "${type}" }\n${body}\n`);
  }
}

function strata(argv) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...argv], { encoding: "utf8", env: { ...process.env, CI: "1" }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`strata ${argv.join(" ")} exited ${r.status}: ${r.stderr}${r.stdout.slice(-2000)}`);
  return { ms, stdout: r.stdout };
}

/** The exact statements a run executes, from the dry run's plans, with the runner's BEGIN/COMMIT. */
function statementsOf(dryRunJson) {
  const out = [];
  for (const action of JSON.parse(dryRunJson).actions) {
    for (const step of action.steps ?? []) {
      if (step.statements.length === 0) continue;
      if (step.transactional) out.push("begin");
      out.push(...step.statements);
      if (step.transactional) out.push("commit");
    }
    if (action.check) out.push(action.check.countSql);
  }
  return out;
}

async function timeRawPg(statements) {
  const started = process.hrtime.bigint();
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  for (const sql of statements) await client.query(sql);
  await client.end();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timeRawPglite(dataDir, statements) {
  const started = process.hrtime.bigint();
  const db = await PGlite.create(dataDir);
  for (const sql of statements) await db.exec(sql);
  await db.close();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function pgExec(sql, url = PG_URL) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function benchPostgres() {
  const schema = `bench_run_${Date.now().toString(36)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-bench-run-"));
  generateProject(dir, schema, MODELS);
  fs.writeFileSync(path.join(dir, "targets.yaml"), `default: pg\ntargets:\n  pg: { adapter: postgres, url: "${PG_URL}" }\n`);
  const drop = () => pgExec(`drop schema if exists "${schema}" cascade`);
  const rows = [];
  try {
    for (const phase of ["fresh", "rebuild"]) {
      const samples = { raw: [], strata1: [], strata4: [], inRun1: [] };
      for (let r = 0; r < RUNS; r++) {
        // Same starting state for every measurement of this phase.
        const reset = async () => {
          await drop();
          if (phase === "rebuild") strata(["run", dir, "--wait"]);
        };
        await reset();
        const statements = statementsOf(strata(["run", dir, "--dry-run", "--json"]).stdout);
        samples.raw.push(await timeRawPg(statements));
        await reset();
        samples.strata1.push(strata(["run", dir, "--wait", "--concurrency", "1"]).ms);
        samples.inRun1.push(JSON.parse(fs.readFileSync(path.join(dir, ".strata/run_results.json"), "utf8")).durationMs);
        await reset();
        samples.strata4.push(strata(["run", dir, "--wait", "--concurrency", "4"]).ms);
        if (r === 0) samples.statements = statements.length;
      }
      rows.push({ engine: "PostgreSQL 15", phase, ...Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Array.isArray(v) ? median(v) : v])) });
    }
  } finally {
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function benchPglite() {
  const schema = "bench_run";
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "strata-bench-lite-"));
  const dir = path.join(base, "project");
  fs.mkdirSync(dir);
  generateProject(dir, schema, MODELS);
  // An initialised, empty data directory, copied for every measurement so both sides start equal.
  const template = path.join(base, "template");
  await (await PGlite.create(template)).close();
  const warehouse = path.join(dir, ".strata/warehouse");
  const rawDir = path.join(base, "raw");
  const rows = [];
  try {
    for (const phase of ["fresh", "rebuild"]) {
      const samples = { raw: [], strata1: [], inRun1: [] };
      for (let r = 0; r < RUNS; r++) {
        const reset = () => {
          fs.rmSync(warehouse, { recursive: true, force: true });
          fs.cpSync(template, warehouse, { recursive: true });
          if (phase === "rebuild") strata(["run", dir]);
        };
        reset();
        const statements = statementsOf(strata(["run", dir, "--dry-run", "--json"]).stdout);
        fs.rmSync(rawDir, { recursive: true, force: true });
        fs.cpSync(warehouse, rawDir, { recursive: true });
        samples.raw.push(await timeRawPglite(rawDir, statements));
        reset();
        samples.strata1.push(strata(["run", dir]).ms);
        samples.inRun1.push(JSON.parse(fs.readFileSync(path.join(dir, ".strata/run_results.json"), "utf8")).durationMs);
        if (r === 0) samples.statements = statements.length;
      }
      rows.push({ engine: "PGlite", phase, ...Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Array.isArray(v) ? median(v) : v])) });
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  return rows;
}

await pgExec(`create database ${BENCH_DB}`, SERVER_URL);
const rows = [];
try {
  rows.push(...(await benchPostgres()));
} finally {
  await pgExec(`drop database if exists ${BENCH_DB}`, SERVER_URL);
}
if (!("skip-pglite" in args)) rows.push(...(await benchPglite()));

console.log(`\n${MODELS} models, median of ${RUNS} runs (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})\n`);
console.log("| engine | phase | statements | raw SQL, one connection | strata run, concurrency 1 | ratio | of which the run itself | strata run, concurrency 4 |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const c4 = r.strata4 === undefined ? "n/a (PGlite runs one at a time)" : `${fmt(r.strata4)} (${(r.strata4 / r.raw).toFixed(2)}×)`;
  console.log(`| ${r.engine} | ${r.phase} | ${r.statements} | ${fmt(r.raw)} | ${fmt(r.strata1)} | ${(r.strata1 / r.raw).toFixed(2)}× | ${fmt(r.inRun1)} | ${c4} |`);
}
