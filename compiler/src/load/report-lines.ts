// One line per landing file and a summary line: what `strata load` prints, and what `strata run`
// prints for its load step.
import { redact } from "../redact";
import type { FileResult, LoadReport } from "./load-landing";

export function fileLine(f: FileResult): string {
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

export function summaryLine(r: LoadReport): string {
  if (r.files.length === 0) return "No landing files found (landing/<source>/contract.yaml and its data files).";
  const parts = [`${r.loaded} loaded (${r.rows} rows, ${megabytes(r.bytes)})`, `${r.unchanged} unchanged`];
  if (r.quarantined) parts.push(`${r.quarantined} quarantined`);
  if (r.changed) parts.push(`${r.changed} changed`);
  if (r.released) parts.push(`${r.released} released`);
  return `Files: ${parts.join(", ")} in ${seconds(r.durationMs)}.`;
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e5 ? 2 : 1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
