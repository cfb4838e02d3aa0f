// Compile benchmark: generates Dataform-compatible projects of 1,000 / 3,000 / 10,000 models
// (chains and fan-ins, tags, configs, js blocks, includes, inline assertions, incrementals) and
// times `strata compile --json` against `dataform compile --json` (@dataform/cli) on the same
// files in the same run. Usage: npm run build && node bench/compile/run.mjs [--sizes 1000,3000,10000]
//   [--dataform-max 3000] [--runs 3]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateProject } from "./generate.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const sizes = (args.sizes ?? "1000,3000,10000").split(",").map(Number);
const dataformMax = Number(args["dataform-max"] ?? 3000);
const runs = Number(args.runs ?? 3);

const GNU_TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Wall time, and CPU time (user + system) when GNU time is available. Strata's CPU time is
 *  steady on a busy machine; Dataform's is not comparable (its compile runs in a forked child that
 *  it SIGKILLs, so the child's CPU time is never accounted), so speed-ups compare wall times. */
function time(command, commandArgs, cwd, env = {}) {
  const cpuFile = path.join(os.tmpdir(), `strata-bench-cpu-${process.pid}.txt`);
  const [exe, argv] = GNU_TIME
    ? [GNU_TIME, ["-f", "%U %S", "-o", cpuFile, process.execPath, command, ...commandArgs]]
    : [process.execPath, [command, ...commandArgs]];
  const started = process.hrtime.bigint();
  const r = spawnSync(exe, argv, { cwd, encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  let cpuMs;
  if (GNU_TIME) {
    const [user, sys] = fs.readFileSync(cpuFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
    cpuMs = (user + sys) * 1000;
    fs.rmSync(cpuFile, { force: true });
  }
  return { ms, cpuMs, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const strataBin = path.join(root, "bin/strata.js");
const cliPackage = JSON.parse(fs.readFileSync(path.join(root, "node_modules/@dataform/cli/package.json"), "utf8"));
const dataformBin = path.join(root, "node_modules/@dataform/cli", cliPackage.bin.dataform);

const results = [];
for (const models of sizes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `strata-bench-compile-${models}-`));
  try {
    generateProject(dir, models);
    // Cold: nothing cached (every file transpiled). Warm: the .strata/cache of the previous run.
    const cold = [];
    const warm = [];
    let actions = 0;
    for (let r = 0; r < runs; r++) {
      for (const [list, env] of [[cold, { STRATA_NO_CACHE: "1" }], [warm, {}]]) {
        const t = time(strataBin, ["compile", dir, "--json"], root, env);
        if (t.code !== 0) throw new Error(`strata compile failed at ${models}: ${t.stderr.slice(0, 500)}`);
        const g = JSON.parse(t.stdout);
        actions = g.tables.length + g.assertions.length + g.operations.length + g.declarations.length;
        list.push(t);
      }
    }
    let dataformMs;
    let dataformActions;
    if (models <= dataformMax) {
      fs.cpSync(path.join(root, "node_modules/@dataform/core"), path.join(dir, "node_modules/@dataform/core"), { recursive: true, dereference: true });
      const t = time(dataformBin, ["compile", dir, "--json", "--timeout=1h"], dir);
      if (t.code !== 0) throw new Error(`dataform compile failed at ${models}: ${t.stderr.slice(0, 500)}`);
      const g = JSON.parse(t.stdout);
      dataformActions = g.tables.length + g.assertions.length + (g.operations?.length ?? 0) + (g.declarations?.length ?? 0);
      dataformMs = t.ms;
    }
    const wall = (list) => Math.round(median(list.map((t) => t.ms)));
    const cpu = (list) => (GNU_TIME ? Math.round(median(list.map((t) => t.cpuMs))) : undefined);
    const row = {
      models,
      actions,
      strataColdMs: wall(cold),
      strataColdCpuMs: cpu(cold),
      strataWarmMs: wall(warm),
      strataWarmCpuMs: cpu(warm),
      dataformMs: dataformMs && Math.round(dataformMs),
      dataformActions,
      speedupColdWall: dataformMs ? +(dataformMs / wall(cold)).toFixed(1) : undefined,
      speedupWarmWall: dataformMs ? +(dataformMs / wall(warm)).toFixed(1) : undefined,
    };
    results.push(row);
    console.log(JSON.stringify(row));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const at3000 = results.find((r) => r.models === 3000);
const at10000 = results.find((r) => r.models === 10000);
if (at3000 && at10000) {
  const ratio = (k) => (at10000[k] / at3000[k]).toFixed(2);
  console.log(`10,000 / 3,000 strata ratio: cold wall ${ratio("strataColdMs")}, cold cpu ${ratio("strataColdCpuMs")}, warm wall ${ratio("strataWarmMs")}, warm cpu ${ratio("strataWarmCpuMs")}`);
}
console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join("/")}`);
