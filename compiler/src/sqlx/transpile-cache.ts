// A content-addressed cache of SQLX → JS transpilations in .strata/cache/, so an unchanged file
// is not transpiled again (transpiling dominates a cold compile of thousands of files). The cache
// is an optimisation only: any problem reading or writing it is ignored.
// (V8 code caching of the transpiled JS was tried as well: it saved under 10% and was dropped.)
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const CACHE_FILE = path.join(".strata", "cache", "sqlx-transpile.json");
const FORMAT = 1;

export class TranspileCache {
  private readonly used: Record<string, string> = {};
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly version: string,
    private readonly previous: Record<string, string>,
  ) {}

  /** `enabled: false` gives a cache that never reads or writes (STRATA_NO_CACHE=1 does the same). */
  static open(projectDir: string, coreVersion: string, enabled = process.env.STRATA_NO_CACHE !== "1"): TranspileCache {
    const version = `${FORMAT}/${coreVersion}`;
    if (!enabled) return new TranspileCache(undefined, version, {});
    const file = path.join(projectDir, CACHE_FILE);
    let previous: Record<string, string> = {};
    try {
      const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string; entries?: Record<string, string> };
      if (doc.version === version && doc.entries) previous = doc.entries;
    } catch {
      // no cache yet, or unreadable: start empty
    }
    return new TranspileCache(file, version, previous);
  }

  /** The cache key of a file: its path (the action's default name) and its text. */
  key(relPath: string, source: string): string {
    return crypto.createHash("sha1").update(relPath).update("\0").update(source).digest("base64");
  }

  transpiled(key: string, transpile: () => string): string {
    let js = this.previous[key];
    if (js === undefined) {
      js = transpile();
      this.changed = true;
    }
    this.used[key] = js;
    return js;
  }

  /** Writes the entries used by this compile (dropping stale ones) when anything changed. */
  save(): void {
    if (!this.file) return;
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.previous).length) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ version: this.version, entries: this.used }));
      fs.renameSync(tmp, this.file);
    } catch {
      // read-only project or full disk: compiling still works, only slower next time
    }
  }
}
