// `strata load [project-dir] [--source NAME] [--target T] [--json]`: load new landing files that
// match their contracts. Exit 0 when every file is loaded or unchanged, 1 when a file is
// quarantined or changed, 2 for a bad contract or flag, 3 when the warehouse is unreachable.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { UserError } from "../errors";
import type { FileResult, LoadReport } from "../load/index";
import { resolveTarget } from "../project/targets";
import { redact } from "../redact";

interface LoadFlags {
  source: string[];
  target?: string;
  json?: boolean;
}

const list = (v: string, all: string[]) => [...all, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

export function registerLoad(program: Command): void {
  program
    .command("load")
    .description("load new landing files (landing/<source>/) that match their contract.yaml, each exactly once")
    .argument("[project-dir]", "the project directory", ".")
    .option("--source <names>", "only these sources (folder names under landing/; comma-separated, repeatable)", list, [] as string[])
    .option("--target <name>", "target from targets.yaml (default: its default, else the embedded PGlite)")
    .option("--json", "print the load report as JSON")
    .action(async (dir: string, flags: LoadFlags) => {
      process.exitCode = await runLoad(dir, flags);
    });
}

async function runLoad(dir: string, flags: LoadFlags): Promise<number> {
  const projectDir = path.resolve(dir);
  if (!fs.existsSync(projectDir) || !fs.statSync(projectDir).isDirectory()) {
    throw new UserError(`project directory ${dir} does not exist`);
  }
  // Loaded here, not at start-up: they pull in yaml, picomatch and the JSON stream parser.
  const [{ loadLanding, selectContracts }, { createWarehouse }] = await Promise.all([import("../load/index"), import("../warehouse/index")]);
  // Contracts and flags are checked before connecting: a mistake there changes nothing (exit 2).
  const contracts = selectContracts(projectDir, flags.source);
  const target = resolveTarget(projectDir, flags.target);
  if (target.adapter === "athena") {
    throw new UserError(`strata load needs a PostgreSQL or PGlite target: target "${target.name}" is Athena, which has no COPY`, { file: target.file });
  }
  const warehouse = createWarehouse(target, { projectDir, concurrency: 1 });
  await warehouse.connect();
  let report: LoadReport;
  try {
    report = await loadLanding({
      projectDir,
      warehouse,
      contracts,
      onEvent: flags.json ? undefined : (event) => event.type === "file_done" && process.stdout.write(`${fileLine(event.result)}\n`),
    });
  } finally {
    await warehouse.close();
  }
  if (flags.json) process.stdout.write(`${redact(JSON.stringify({ target: target.name, ...report }, null, 2))}\n`);
  else process.stdout.write(`${summaryLine(report)}\n`);
  return report.exitCode;
}

function fileLine(f: FileResult): string {
  const status = f.status.padEnd(11);
  switch (f.status) {
    case "loaded":
      return `${status} ${f.path} → ${f.table}: ${f.rows} rows, ${megabytes(f.bytes)} in ${seconds(f.durationMs)}`;
    case "unchanged":
      return `${status} ${f.path} (already loaded)`;
    case "quarantined":
      return redact(`${status} ${f.path}: ${f.reason}${f.previouslyQuarantined ? " (quarantined earlier; fix or remove the file)" : ""}`);
    default:
      return redact(`${status} ${f.path}: ${f.reason}`);
  }
}

function summaryLine(r: LoadReport): string {
  if (r.files.length === 0) return "No landing files found (landing/<source>/contract.yaml and its data files).";
  const parts = [`${r.loaded} loaded (${r.rows} rows, ${megabytes(r.bytes)})`, `${r.unchanged} unchanged`];
  if (r.quarantined) parts.push(`${r.quarantined} quarantined`);
  if (r.changed) parts.push(`${r.changed} changed`);
  if (r.released) parts.push(`${r.released} released`);
  return `Files: ${parts.join(", ")} in ${seconds(r.durationMs)}.`;
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e5 ? 2 : 1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
