// Throwaway Strata projects for tests: a temp directory with a dataform.json (defaultSchema "ods")
// plus the given files, removed after the test file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

export const STRATA_BIN = path.resolve(__dirname, "../../../bin/strata.js");

/** Returns a `project(files)` function whose directories are deleted after all tests of the file. */
export function tempProjects(prefix: string): (files: Record<string, string>) => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return (files) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    const all = { "dataform.json": JSON.stringify({ warehouse: "postgres", defaultSchema: "ods", assertionSchema: "qa" }), ...files };
    for (const [file, text] of Object.entries(all)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };
}
