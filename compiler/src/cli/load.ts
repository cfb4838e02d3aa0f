// `strata load [project-dir] [--source NAME] [--target T] [--json]`: load new landing files that
// match their contracts. Exit 0 when every file is loaded or unchanged, 1 when a file is
// quarantined or changed, 2 for a bad contract or flag, 3 when the warehouse is unreachable.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { UserError } from "../errors";
import type { LoadReport } from "../load/index";
import { fileLine, summaryLine } from "../load/report-lines";
import { resolveTarget } from "../project/targets";
import { redact } from "../redact";
import { list } from "./compile";

interface LoadFlags {
  source: string[];
  target?: string;
  json?: boolean;
  alerts?: boolean;
}

export function registerLoad(program: Command): void {
  program
    .command("load")
    .description("load new landing files (landing/<source>/) that match their contract.yaml, each exactly once")
    .argument("[project-dir]", "the project directory", ".")
    .option("--source <names>", "only these sources (folder names under landing/; comma-separated, repeatable)", list, [] as string[])
    .option("--target <name>", "target from targets.yaml (default: its default, else the embedded PGlite)")
    .option("--json", "print the load report as JSON")
    .option("--no-alerts", "do not post a Slack alert for quarantined files")
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
  // One connection per source loading at once, up to the target's pool (PGlite: one).
  const warehouse = createWarehouse(target, { projectDir });
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
  const quarantined = report.files.filter((f) => f.status === "quarantined" && !f.previouslyQuarantined);
  if (flags.alerts !== false && quarantined.length > 0) {
    const { buildQuarantineAlert, postAlert, resolveAlertSettings } = await import("../alerts/slack");
    const settings = resolveAlertSettings(target.config, process.env, true);
    const outcome = settings.webhookUrl ? await postAlert(settings, buildQuarantineAlert(quarantined.map((f) => ({ source: f.source, path: f.path, reason: f.reason ?? "" })))) : { sent: false };
    if (outcome.warning) process.stderr.write(`warning: ${outcome.warning}\n`);
  }
  if (flags.json) process.stdout.write(`${redact(JSON.stringify({ target: target.name, ...report }, null, 2))}\n`);
  else process.stdout.write(`${summaryLine(report)}\n`);
  return report.exitCode;
}
