// Incremental benchmark for the reference platform: how much does "a new day" cost compared with
// building everything from scratch?
//
//   npm run build && node bench/incremental/run.mjs [--scale 10] [--days 42] [--target postgres|pglite]
//                                                   [--pg-url postgres://postgres@127.0.0.1:5432/test] [--keep] [--reuse]
//                                                   [--pg-setting name=value]... [--pg-server-setting name=value]...
//                                                   [--more-days N]
//
// 1. generates `--days` days of landing files at `--scale` (scale 1 ≈ 1M order lines) into
//    bench/.work/incremental/, with a copy of the reference project next to them;
// 2. full refresh: `strata load` + `strata run --full-refresh` on an empty warehouse (a fresh
//    PostgreSQL database, or a fresh PGlite directory);
// 3. incremental day: after a checkpoint (not timed) that writes out the full refresh's dirty pages,
//    generates day days+1, then `strata load` + `strata run`;
// 4. writes the timings to bench/incremental/RESULTS.md (adding a row to its table);
// 5. with `--more-days N`, runs the N days after it the same way (generate, load, run), each compared
//    with the same full refresh and added as a row whose days column counts the days before it.
// On PostgreSQL both runs use the session `settings` and the `poolSize` (actions at once) of the
// reference platform's `aurora` target (targets.yaml: the platform as shipped; the row's target
// column names them).
// `--pg-setting name=value` (repeatable) sets a further server parameter on the benchmark database
// for both runs (`alter database … set`); the row's target column names it too.
// `--pg-server-setting name=value` (repeatable) sets a server-wide parameter that a database cannot
// override, such as `max_wal_size`, with `alter system` and a configuration reload, for the whole
// benchmark; it is put back when the benchmark ends (an interrupted run prints how to put it back).
// The row's target column names it as `server:name=value`.
// Each day also prints the checkpoints that its WAL volume forced (PostgreSQL's "checkpoints are
// occurring too frequently"): each one writes pages out during the run and makes every page the run
// touches next go to the WAL whole again.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const { generate, isoDate } = require(path.join(repo, "tools/generate/generate.js"));
const pg = require("pg");
const YAML = require("yaml");

/** The reference platform's production target (targets.yaml, `aurora`): session settings and pool size. */
function platformTarget() {
  const targets = YAML.parse(fs.readFileSync(path.join(repo, "targets.yaml"), "utf8"));
  const aurora = targets?.targets?.aurora ?? {};
  return { settings: aurora.settings ?? {}, poolSize: aurora.poolSize };
}

function parseArgs(argv) {
  const options = { scale: 10, days: 42, moreDays: 0, target: "postgres", pgUrl: "postgres://postgres@127.0.0.1:5432/test", keep: false, reuse: false, pgSettings: [], pgServerSettings: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--scale") options.scale = Number(value);
    else if (flag === "--days") options.days = Number(value);
    else if (flag === "--more-days" && /^\d+$/.test(value ?? "")) options.moreDays = Number(value);
    else if (flag === "--target") options.target = value;
    else if (flag === "--pg-url") options.pgUrl = value;
    else if (flag === "--pg-setting" && /^[a-z_.]+=[A-Za-z0-9_.]+$/.test(value ?? "")) options.pgSettings.push(value);
    else if (flag === "--pg-server-setting" && /^[a-z_]+=[A-Za-z0-9_.]+$/.test(value ?? "")) options.pgServerSettings.push(value);
    else if (flag === "--reuse") {
      options.reuse = true; // reuse the landing files a previous run generated at this scale
      i--;
    } else if (flag === "--keep") {
      options.keep = true; // keep the benchmark database for inspection
      i--;
    }
    else {
      console.error(`unknown option ${flag}`);
      process.exit(2);
    }
  }
  return options;
}

function strata(projectDir, args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [path.join(repo, "bin/strata.js"), ...args, projectDir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    console.error(result.stdout.split("\n").slice(-30).join("\n"), result.stderr);
    throw new Error(`strata ${args.join(" ")} exited ${result.status}`);
  }
  const summary = result.stdout.trim().split("\n").filter(Boolean).find((l) => /^(Files|Run) /.test(l)) ?? "";
  console.log(`  strata ${args.join(" ")}: ${seconds.toFixed(1)} s — ${summary}`);
  if (args[0] === "run") {
    // Where the time went: the slowest actions of this run.
    const results = JSON.parse(fs.readFileSync(path.join(projectDir, ".strata", "run_results.json"), "utf8"));
    const slowest = results.actions.filter((a) => a.durationMs).sort((a, b) => b.durationMs - a.durationMs).slice(0, 6);
    console.log(`    slowest: ${slowest.map((a) => `${a.name} ${(a.durationMs / 1000).toFixed(1)}s`).join(", ")}`);
  }
  return seconds;
}

async function withAdmin(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Applies server-wide parameters (`alter system`, reload) and returns a function that puts back what
 * postgresql.auto.conf held before. Only parameters a reload changes (context "sighup") are accepted.
 */
async function applyServerSettings(adminUrl, settings) {
  const pairs = settings.map((setting) => setting.split("="));
  const previous = [];
  await withAdmin(adminUrl, async (c) => {
    for (const [name] of pairs) {
      const { rows } = await c.query("select context from pg_settings where name = $1", [name]);
      if (rows[0]?.context !== "sighup") throw new Error(`--pg-server-setting ${name}: ${rows[0] ? `needs a server restart (context ${rows[0].context})` : "no such parameter"}`);
      const auto = await c.query("select setting from pg_file_settings where name = $1 and sourcefile like '%postgresql.auto.conf' and applied", [name]);
      previous.push({ name, value: auto.rows[0]?.setting });
    }
    // Only once every name is known to be settable, so that a bad one changes nothing.
    for (const [name, value] of pairs) await c.query(`alter system set ${name} = '${value}'`);
    await c.query("select pg_reload_conf()");
  });
  const undo = previous.map(({ name, value }) => (value === undefined ? `alter system reset ${name}` : `alter system set ${name} = '${value}'`));
  console.log(`server settings: ${settings.join(", ")} (alter system; if interrupted, put them back with: ${undo.join("; ")}; select pg_reload_conf())`);
  return () =>
    withAdmin(adminUrl, async (c) => {
      for (const statement of undo) await c.query(statement);
      await c.query("select pg_reload_conf()");
    });
}

/**
 * Checkpoints requested so far on the server (not started by checkpoint_timeout). Nothing else
 * requests one while a day runs on an otherwise idle server, so the difference over a day counts
 * the checkpoints its WAL volume forced.
 */
async function walCheckpoints(url) {
  return withAdmin(url, async (c) => {
    // PostgreSQL 17 moved the counter to pg_stat_checkpointer.
    const { rows: version } = await c.query("select current_setting('server_version_num')::int >= 170000 as checkpointer");
    const [column, view] = version[0].checkpointer ? ["num_requested", "pg_stat_checkpointer"] : ["checkpoints_req", "pg_stat_bgwriter"];
    const { rows } = await c.query(`select ${column}::int as forced, current_setting('max_wal_size') as max_wal_size from ${view}`);
    return rows[0];
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const work = path.join(repo, "bench/.work/incremental", `scale-${options.scale}`);
  const landing = path.join(work, "landing");
  const reuse = options.reuse && fs.existsSync(landing);
  for (const entry of ["definitions", "assertions", "includes", ".strata"]) fs.rmSync(path.join(work, entry), { recursive: true, force: true });
  if (!reuse) fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  for (const entry of ["dataform.json", "definitions", "assertions", "includes"]) fs.cpSync(path.join(repo, entry), path.join(work, entry), { recursive: true });
  for (const source of fs.readdirSync(path.join(repo, "landing"))) {
    fs.mkdirSync(path.join(landing, source), { recursive: true });
    fs.copyFileSync(path.join(repo, "landing", source, "contract.yaml"), path.join(landing, source, "contract.yaml"));
  }

  let started = performance.now();
  if (reuse) {
    // Drop every file dated after the last day (the extra day a previous run added, or any later one),
    // so the full refresh sees days 1..days only.
    const lastDay = isoDate(options.days);
    let dropped = 0;
    for (const source of fs.readdirSync(landing)) {
      for (const file of fs.readdirSync(path.join(landing, source))) {
        const date = /\d{4}-\d{2}-\d{2}/.exec(file)?.[0];
        if (date && date > lastDay) {
          fs.rmSync(path.join(landing, source, file));
          dropped++;
        }
      }
    }
    console.log(`reusing the landing files in ${path.relative(repo, landing)} (${dropped} files dated after ${lastDay} removed)`);
  } else {
    console.log(`generating ${options.days} days at scale ${options.scale} ...`);
    const generated = generate({ scale: options.scale, days: options.days, out: landing });
    console.log(`  ${generated.files} files, ${(generated.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const full = { bytes: landingBytes(landing) };

  const database = `bench_incremental_${process.pid}`;
  const url = (name) => Object.assign(new URL(options.pgUrl), { pathname: `/${name}` }).toString();
  const { settings, poolSize } = options.target === "postgres" ? platformTarget() : { settings: {} };
  let restoreServer;
  if (options.target === "postgres") {
    await withAdmin(options.pgUrl, async (c) => {
      await c.query(`create database ${database}`);
      for (const setting of options.pgSettings) {
        const [name, value] = setting.split("=");
        await c.query(`alter database ${database} set ${name} = '${value}'`);
      }
    });
    fs.writeFileSync(path.join(work, "targets.yaml"), `default: bench\ntargets:\n  bench: { adapter: postgres, url: "${url(database)}", ${poolSize ? `poolSize: ${poolSize}, ` : ""}settings: ${JSON.stringify(settings)} }\n`);
  } else {
    fs.writeFileSync(path.join(work, "targets.yaml"), "default: bench\ntargets:\n  bench: { adapter: pglite, path: .strata/warehouse }\n");
  }

  try {
    if (options.target === "postgres" && options.pgServerSettings.length) restoreServer = await applyServerSettings(options.pgUrl, options.pgServerSettings);
    console.log("full refresh:");
    const fullLoad = strata(work, ["load"]);
    const fullRun = strata(work, ["run", "--full-refresh"]);

    // The full refresh leaves gigabytes of dirty pages that PostgreSQL writes out in the background
    // for minutes: a checkpoint (not timed) flushes them, so the day does not pay for the full
    // refresh's writes, as a day that runs 24 hours later would not.
    if (options.target === "postgres") await withAdmin(url(database), (c) => c.query("checkpoint"));

    const fullTotal = fullLoad + fullRun;
    const label = [options.target, ...(poolSize ? [`poolSize=${poolSize}`] : []), ...Object.entries(settings).map(([k, v]) => `${k}=${v}`), ...options.pgSettings, ...options.pgServerSettings.map((s) => `server:${s}`)].join(" ");
    for (let newDay = options.days + 1; newDay <= options.days + 1 + options.moreDays; newDay++) {
      started = performance.now();
      const day = generate({ scale: options.scale, day: newDay, out: path.join(work, "landing") });
      console.log(`incremental day ${newDay}: ${day.files} files, ${(day.bytes / 1e6).toFixed(2)} MB generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const before = options.target === "postgres" ? await walCheckpoints(url(database)) : undefined;
      const dayLoad = strata(work, ["load"]);
      const dayRun = strata(work, ["run"]);
      if (before) {
        const after = await walCheckpoints(url(database));
        console.log(`  checkpoints forced by the WAL volume (max_wal_size ${after.max_wal_size}): ${after.forced - before.forced}`);
      }
      const dayTotal = dayLoad + dayRun;
      const row = {
        date: new Date().toISOString().slice(0, 10),
        target: label,
        scale: options.scale,
        days: newDay - 1,
        mb: (full.bytes / 1e6).toFixed(0),
        fullLoad: fullLoad.toFixed(1),
        fullRun: fullRun.toFixed(1),
        dayLoad: dayLoad.toFixed(1),
        dayRun: dayRun.toFixed(1),
        ratioTotal: ((100 * dayTotal) / fullTotal).toFixed(1),
        ratioRun: ((100 * dayRun) / fullRun).toFixed(1),
      };
      console.log(`incremental day / full refresh: ${row.ratioTotal}% (load + run), ${row.ratioRun}% (run only)`);
      appendResult(row);
    }
  } finally {
    if (options.target === "postgres" && !options.keep) await withAdmin(options.pgUrl, (c) => c.query(`drop database if exists ${database} with (force)`));
    if (restoreServer) await restoreServer();
  }
}

function landingBytes(dir) {
  let bytes = 0;
  for (const source of fs.readdirSync(dir)) {
    for (const file of fs.readdirSync(path.join(dir, source))) if (file !== "contract.yaml") bytes += fs.statSync(path.join(dir, source, file)).size;
  }
  return bytes;
}

function appendResult(row) {
  const file = path.join(here, "RESULTS.md");
  const line = `| ${row.date} | ${row.target} | ${row.scale} | ${row.days} | ${row.mb} | ${row.fullLoad} | ${row.fullRun} | ${row.dayLoad} | ${row.dayRun} | ${row.ratioTotal}% | ${row.ratioRun}% |\n`;
  // Into the results table (after its last row), so the notes below it stay below it.
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const lastRow = lines.findLastIndex((l) => /^\| \d{4}-\d{2}-\d{2} \|/.test(l));
  if (lastRow < 0) fs.appendFileSync(file, line);
  else fs.writeFileSync(file, [...lines.slice(0, lastRow + 1), line.trimEnd(), ...lines.slice(lastRow + 1)].join("\n"));
  console.log(`added a row to ${path.relative(repo, file)}`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
