// Shared by the docs tests: a throwaway copy of the fixture project (tests write .strata/ into it).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RunResults } from "../../src/runner/results";

export const FIXTURE = path.join(__dirname, "fixture");

export function copyFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-docs-"));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

export function writeRunResults(projectDir: string, results: Partial<RunResults> & Pick<RunResults, "actions">): void {
  const full: RunResults = {
    runId: "20261121_101500_ab12",
    target: "local",
    adapter: "pglite",
    startedAt: "2026-11-21T10:15:00.000Z",
    finishedAt: "2026-11-21T10:15:03.000Z",
    durationMs: 3000,
    status: "failed",
    exitCode: 1,
    totals: { success: 0, failed: 0, skipped: 0, warned: 0, cancelled: 0, disabled: 0 },
    ...results,
  };
  fs.mkdirSync(path.join(projectDir, ".strata"), { recursive: true });
  fs.writeFileSync(path.join(projectDir, ".strata", "run_results.json"), JSON.stringify(full));
}
