// The load step of `strata run`: new landing files are loaded (contract-checked, exactly once)
// before any model runs, so a scheduled `strata run --tags daily` sees today's files. A source with
// a quarantined file blocks the models that read it: its landing declaration fails with the reason,
// and the runner skips everything downstream of it.
import fs from "node:fs";
import path from "node:path";
import { targetKey } from "../graph/select";
import type { GraphAction } from "../graph/types";
import type { LandingContract } from "../load/contract";
import type { LoadReport, QuarantinedFile } from "../load/index";
import type { Warehouse } from "../warehouse/warehouse";

export interface LandingStepOutcome {
  report?: LoadReport;
  /** Landing table key ("landing.orders") → why models reading it must not run. */
  blocked: Map<string, string>;
  /** Files quarantined by this step (for alerts). */
  newlyQuarantined: QuarantinedFile[];
}

/** The project's landing contracts, parsed and validated (UserError, exit 2, for a bad one). */
export async function landingContracts(projectDir: string): Promise<LandingContract[]> {
  if (!fs.existsSync(path.join(projectDir, "landing"))) return [];
  const { selectContracts } = await import("../load/index");
  return selectContracts(projectDir);
}

/**
 * Loads the sources whose landing tables the selected actions read (or that are selected
 * themselves). Engines without COPY (Athena) load nothing here: their landing data is external
 * tables over S3.
 */
export async function runLandingStep(
  warehouse: Warehouse,
  projectDir: string,
  allContracts: LandingContract[],
  selected: GraphAction[],
  onLine: (line: string) => void,
): Promise<LandingStepOutcome> {
  const empty: LandingStepOutcome = { blocked: new Map(), newlyQuarantined: [] };
  if (warehouse.dialect !== "postgres" || allContracts.length === 0) return empty;
  const { loadLanding, quarantinedSources } = await import("../load/index");
  const { fileLine, summaryLine } = await import("../load/report-lines");

  const wanted = new Set<string>();
  for (const action of selected) {
    wanted.add(targetKey(action.target));
    if (action.kind !== "declaration") for (const dep of action.dependencyTargets) wanted.add(targetKey(dep));
  }
  const contracts = allContracts.filter((c) => wanted.has(targetKey(c.table)));
  if (contracts.length === 0) return empty;

  const report = await loadLanding({
    projectDir,
    warehouse,
    contracts,
    onEvent: (event) => {
      if (event.type === "file_done" && event.result.status !== "unchanged") onLine(fileLine(event.result));
    },
  });
  onLine(summaryLine(report));

  const tables = new Set(contracts.map((c) => targetKey(c.table)));
  const quarantined = (await quarantinedSources(warehouse)).filter((q) => tables.has(q.table));
  const blocked = new Map<string, string>();
  for (const q of quarantined) {
    if (!blocked.has(q.table)) blocked.set(q.table, `landing file ${q.path} is quarantined (${q.reason}); fix or remove it, then run again`);
  }
  const fresh = new Set(report.files.filter((f) => f.status === "quarantined" && !f.previouslyQuarantined).map((f) => f.path));
  return { report, blocked, newlyQuarantined: quarantined.filter((q) => fresh.has(q.path)) };
}
