// SQLX → JS with Dataform's own lexer and transpiler (`@dataform/core`'s `compiler`), so the
// grammar (config/js/pre_operations/post_operations/incremental_where/input blocks, `${}`
// placeholders, `---` statement separators) is exactly Dataform's. Loaded lazily: it is a large bundle.
let dataformCompiler: ((code: string, path: string) => string) | undefined;
let coreVersion: string | undefined;

/** Throws when the transpiler rejects the file (e.g. two statements in incremental_where). */
export function transpileSqlx(source: string, filePath: string): string {
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
