// `.strata/run_results.json`: written atomically (temp file + rename) so a reader — the docs
// site, an alert, a CI step — never sees half a file, and redacted so no secret lands on disk.
import fs from "node:fs";
import path from "node:path";
import { redact } from "../redact";
import type { RunResults } from "./results";

export function runResultsPath(projectDir: string, name = "run_results.json"): string {
  return path.join(projectDir, ".strata", name);
}

/** `.strata/run_results.json` (or `test_results.json` for `strata test`). */
export function writeRunResults(projectDir: string, results: RunResults, name?: string): string {
  const file = runResultsPath(projectDir, name);
  writeJsonAtomically(file, redactStrings(results));
  return file;
}

/** `value` as JSON into `file` (its folder created), through a temp file and a rename. */
export function writeJsonAtomically(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Every string value (and key) passes through `redact`. */
export function redactStrings<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactStrings) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactStrings(v)])) as T;
  }
  return value;
}
