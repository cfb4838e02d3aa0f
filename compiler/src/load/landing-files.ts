// The data files of a landing source: the contract's globs matched under its folder, in path order
// (date-stamped names load oldest first), plus streaming content hashes.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import type { LandingContract } from "./contract";

export interface LandingFile {
  source: string;
  /** Absolute path on disk. */
  absolutePath: string;
  /** Relative to the project directory with "/" separators: the manifest key and `_source_file`. */
  path: string;
  /** The file name, used in messages. */
  name: string;
  bytes: number;
  mtimeMs: number;
}

export function listLandingFiles(contract: LandingContract, projectDir: string): LandingFile[] {
  const matches = picomatch(contract.files);
  const entries = fs.readdirSync(contract.dir, { recursive: true, encoding: "utf8" });
  const files: LandingFile[] = [];
  for (const entry of entries) {
    const relative = entry.split(path.sep).join("/");
    if (relative === "contract.yaml" || !matches(relative)) continue;
    const absolutePath = path.join(contract.dir, entry);
    const stat = fs.statSync(absolutePath);
    if (!stat.isFile()) continue;
    files.push({
      source: contract.source,
      absolutePath,
      path: path.relative(projectDir, absolutePath).split(path.sep).join("/"),
      name: path.basename(entry),
      bytes: stat.size,
      mtimeMs: Math.trunc(stat.mtimeMs),
    });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** sha256 of a file, read as a stream. */
export async function sha256File(absolutePath: string): Promise<string> {
  const digest = createHash("sha256");
  for await (const chunk of fs.createReadStream(absolutePath, { highWaterMark: 1 << 20 })) digest.update(chunk as Buffer);
  return digest.digest("hex");
}
