// `strata load` vs `psql \copy` of the same CSV into the same PostgreSQL server, same run.
//
//   node bench/load/run.mjs [sizeMB ...]        default: 100 1000
//
// For each size it generates a deterministic CSV under bench/.work/load/ (gitignored), then
// loads it with psql \copy into a plain typed table and with `strata load` (contract validation,
// metadata columns, row hash, manifest) into its landing table, timing both and reading the peak
// RSS of the strata process (GNU time). Needs psql and PostgreSQL on 127.0.0.1:5432 (user postgres,
// database test; override with BENCH_PG_URL).
import { build } from "esbuild";
import { execFileSync, spawn } from "node:child_process";
import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const work = path.join(root, "bench", ".work", "load");
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const SCHEMA = "bench_load";
const SOURCE = "bench_orders";
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(100, 1000);

const COLUMNS = [
  ["order_id", "bigint"],
  ["customer_id", "integer"],
  ["customer", "text"],
  ["amount", "numeric"],
  ["ordered_on", "date"],
  ["paid", "boolean"],
  ["created_at", "timestamp"],
  ["note", "text"],
];

fs.mkdirSync(work, { recursive: true });
const cli = path.join(work, "strata.cjs");
await build({
  stdin: { contents: `require(${JSON.stringify(path.join(root, "compiler/src/cli/main.ts"))}).run();`, resolveDir: root, loader: "ts" },
  bundle: true, platform: "node", target: "node20", format: "cjs", packages: "external", outfile: cli, logLevel: "warning",
});

const psql = (sql) => execFileSync("psql", [PG_URL, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], { encoding: "utf8" }).trim();

const results = [];
for (const mb of sizes) {
  const project = path.join(work, `${mb}mb`);
  const file = path.join(project, "landing", SOURCE, "orders.csv");
  const rows = generate(file, mb * 1e6);
  const bytes = fs.statSync(file).size;
  fs.writeFileSync(path.join(project, "targets.yaml"), `default: pg\ntargets:\n  pg: { adapter: postgres, url: "${PG_URL}", applicationName: strata-bench-load }\n`);
  fs.writeFileSync(
    path.join(project, "landing", SOURCE, "contract.yaml"),
    `table: ${SCHEMA}.${SOURCE}\nformat: csv\ncolumns:\n${COLUMNS.map(([n, t]) => `  - {name: ${n}, type: ${t}${n === "order_id" ? ", required: true" : ""}}`).join("\n")}\n`,
  );
  fs.writeFileSync(path.join(project, "dataform.json"), "{}\n");

  // psql \copy: the same file, the same server, a table with the same typed columns.
  psql(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}; create table ${SCHEMA}.psql_orders (${COLUMNS.map(([n, t]) => `${n} ${t}`).join(", ")})`);
  psql("checkpoint");
  const psqlRun = await timed("psql", ["-X", PG_URL, "-v", "ON_ERROR_STOP=1", "-qc", `\\copy ${SCHEMA}.psql_orders from '${file}' with (format csv, header true)`], "psql-bench-load");

  // strata load: fresh landing table and manifest entry each time.
  psql(`drop table if exists ${SCHEMA}.${SOURCE}`);
  forgetLoads();
  psql("checkpoint");
  const strataRun = await timed(process.execPath, [cli, "load", project, "--source", SOURCE], "strata-bench-load");
  const loaded = Number(psql(`select count(*) from ${SCHEMA}.${SOURCE}`));
  if (loaded !== rows) throw new Error(`strata loaded ${loaded} rows, expected ${rows}`);

  results.push({ mb: bytes / 1e6, rows, psql: psqlRun, strata: strataRun, load: os.loadavg()[0] });
  console.log(JSON.stringify(results.at(-1)));
}
psql(`drop schema if exists ${SCHEMA} cascade`);
forgetLoads();

console.log("\n| file | rows | psql \\copy | strata load | strata / psql | strata peak RSS | CPU s: psql client / its backend | CPU s: strata client / its backend | load avg |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of results) {
  const rate = (x) => `${(r.mb / x.seconds).toFixed(1)} MB/s, ${Math.round(r.rows / x.seconds / 1000)}k rows/s (${x.seconds.toFixed(1)} s)`;
  console.log(
    `| ${r.mb.toFixed(0)} MB | ${r.rows} | ${rate(r.psql)} | ${rate(r.strata)} | ${(r.psql.seconds / r.strata.seconds).toFixed(2)}× | ${r.strata.peakRssMb.toFixed(0)} MB ` +
      `| ${r.psql.clientCpu.toFixed(1)} / ${r.psql.backendCpu.toFixed(1)} | ${r.strata.clientCpu.toFixed(1)} / ${r.strata.backendCpu.toFixed(1)} | ${r.load.toFixed(1)} |`,
  );
}

/**
 * Runs a client under GNU time (wall, CPU, peak RSS) while sampling the CPU time of its server
 * backend from /proc (the server runs on this machine), found by application_name.
 */
async function timed(command, args, applicationName) {
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%M %U %S", command, ...args], {
    env: { ...process.env, PGAPPNAME: applicationName },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise((resolve) => child.on("exit", resolve));
  let backendCpu = 0;
  let exited = false;
  done.then(() => (exited = true));
  while (!exited) {
    const pids = psql(`select pid from pg_stat_activity where application_name = '${applicationName}' and backend_type = 'client backend'`).split("\n").filter(Boolean);
    for (const pid of pids) {
      try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        backendCpu = Math.max(backendCpu, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS); // utime + stime
      } catch {
        // the backend ended between the query and the read
      }
    }
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  const code = await done;
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${applicationName} failed (${code}): ${stdout}\n${stderr}`);
  const [rssKb, user, sys] = stderr.trim().split("\n").pop().split(" ").map(Number);
  return { seconds, peakRssMb: rssKb / 1024, clientCpu: user + sys, backendCpu };
}

function forgetLoads() {
  psql(`do $$ begin if to_regclass('strata_meta.loaded_files') is not null then
          delete from strata_meta.loaded_files where source = '${SOURCE}'; end if; end $$`);
}

/** Deterministic orders CSV of about `targetBytes`; returns its row count. Reused when present. */
function generate(file, targetBytes) {
  const meta = `${file}.rows`;
  if (fs.existsSync(file) && fs.existsSync(meta)) return Number(fs.readFileSync(meta, "utf8"));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "w");
  let written = 0;
  let row = 0;
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pad = (n) => (n < 10 ? `0${n}` : `${n}`);
  let buffer = `${COLUMNS.map(([n]) => n).join(",")}\n`;
  while (written + buffer.length < targetBytes) {
    row += 1;
    const day = 1 + Math.floor(rand() * 28);
    const month = 1 + Math.floor(rand() * 12);
    const note = rand() < 0.1 ? `"gift, wrapped ""${row % 97}"""` : rand() < 0.5 ? "" : `note ${row % 1000}`;
    buffer += `${row},${Math.floor(rand() * 1e6)},Customer ${Math.floor(rand() * 1e5)},${(rand() * 10000).toFixed(2)},2024-${pad(month)}-${pad(day)},${rand() < 0.5 ? "true" : "false"},2024-${pad(month)}-${pad(day)} ${pad(Math.floor(rand() * 24))}:${pad(Math.floor(rand() * 60))}:${pad(Math.floor(rand() * 60))},${note}\n`;
    if (buffer.length > 1 << 20) {
      written += fs.writeSync(fd, buffer);
      buffer = "";
    }
  }
  written += fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  fs.writeFileSync(meta, String(row));
  return row;
}
