// SQLX → JS in Dataform's grammar (config/js/pre_operations/post_operations/incremental_where/
// input blocks, `${}` placeholders, `---` statement separators). The fast path is our own scanner
// (sqlx-scanner.ts), whose output is byte-identical to `@dataform/core`'s `compiler` (a
// differential test checks this); whenever the scanner gives up, Dataform's own compiler runs, so
// odd inputs and errors keep Dataform's exact behaviour. Dataform's bundle is large, so it is
// loaded only when needed.
import { transpileSqlxFast } from "./sqlx-scanner";

let dataformCompiler: ((code: string, path: string) => string) | undefined;
let coreVersion: string | undefined;

/** Throws when the transpiler rejects the file (e.g. two statements in incremental_where). */
export function transpileSqlx(source: string, filePath: string): string {
  try {
    return transpileSqlxFast(source, filePath);
  } catch {
    return transpileSqlxWithDataform(source, filePath);
  }
}

/** Dataform's own transpiler (the reference the fast path must match). */
export function transpileSqlxWithDataform(source: string, filePath: string): string {
  loadCompiler();
  return dataformCompiler!(source, filePath);
}

function loadCompiler(): void {
  if (!dataformCompiler) {
    const core = require("@dataform/core") as { compiler: (code: string, path: string) => string; version?: string };
    dataformCompiler = core.compiler;
    coreVersion = core.version;
  }
}

/** The @dataform/core version whose grammar is used. */
export function dataformCoreVersion(): string | undefined {
  if (coreVersion === undefined) {
    // Cheap: read the version without loading the bundle.
    try {
      coreVersion = (require("@dataform/core/package.json") as { version: string }).version;
    } catch {
      coreVersion = undefined;
    }
  }
  return coreVersion;
}
