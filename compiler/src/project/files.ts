// Discovers a project's source files: one directory read per folder (no stat per file), sorted by
// path so actions load in the same order as Dataform loads them.
import fs from "node:fs";
import path from "node:path";

export interface ProjectFiles {
  /** definitions/**\/*.{sqlx,js} and assertions/**\/*.{sqlx,js}, relative, "/"-separated, sorted. */
  actionFiles: string[];
  /** includes/*.js (top level only; each becomes a global named by its basename), sorted. */
  includeFiles: string[];
  /** landing/<source>/contract.yaml, sorted. */
  contractFiles: string[];
}

export function discoverProjectFiles(projectDir: string): ProjectFiles {
  const actionFiles = [
    ...walk(projectDir, "definitions", (f) => f.endsWith(".sqlx") || f.endsWith(".js")),
    ...walk(projectDir, "assertions", (f) => f.endsWith(".sqlx") || f.endsWith(".js")),
  ].sort(comparePaths);
  const includeFiles = listDir(projectDir, "includes")
    .filter((e) => e.isFile() && e.name.endsWith(".js"))
    .map((e) => `includes/${e.name}`)
    .sort(comparePaths);
  const contractFiles = listDir(projectDir, "landing")
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(projectDir, "landing", e.name, "contract.yaml")))
    .map((e) => `landing/${e.name}/contract.yaml`)
    .sort(comparePaths);
  return { actionFiles, includeFiles, contractFiles };
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function listDir(projectDir: string, rel: string): fs.Dirent[] {
  try {
    return fs.readdirSync(path.join(projectDir, rel), { withFileTypes: true });
  } catch {
    return [];
  }
}

function walk(projectDir: string, rel: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of listDir(projectDir, rel)) {
    const child = `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith(".")) out.push(...walk(projectDir, child, keep));
    } else if (entry.isFile() && keep(entry.name)) {
      out.push(child);
    }
  }
  return out;
}
