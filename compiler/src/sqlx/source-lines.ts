// Line numbers for errors. Dataform's SQLX→JS transpiler does not keep a source map, so places
// are found by looking for the text in the original file (a ref's call, a config key, the
// generated line an exception points at).

export interface SourceFile {
  /** Path relative to the project, "/"-separated. */
  path: string;
  text: string;
  /** For .sqlx files: the JS the transpiler produced, to map exception lines back. */
  generated?: string;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** 1-based line and column of the first match of `pattern` at or after line `fromLine`, if any. */
export function findInSource(text: string, pattern: RegExp, fromLine = 1): { line: number; column: number } | undefined {
  const flags = pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g";
  const re = new RegExp(pattern.source, flags);
  re.lastIndex = offsetOfLine(text, fromLine);
  const m = re.exec(text);
  return m ? positionAt(text, m.index) : undefined;
}

export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return offset;
}

/** Where `ref("name")` / `resolve(...)` naming this action appears in the file. */
export function findReference(text: string, name: string, fromLine = 1): { line: number; column: number } | undefined {
  const quoted = `["'\`]${escapeRegExp(name)}["'\`]`;
  return (
    findInSource(text, new RegExp(`\\b(?:ref|resolve)\\s*\\([^)]*${quoted}`), fromLine) ??
    findInSource(text, new RegExp(quoted), fromLine)
  );
}

/** Where a config key is written (`key:` or `"key":`), searching from the config block. */
export function findConfigKey(text: string, key: string, fromLine = 1): { line: number; column: number } | undefined {
  // Also finds blocks (`incremental_where {`, `pre_operations {`).
  return findInSource(text, new RegExp(`(?<=^|[\\s{,])["']?${escapeRegExp(key)}["']?\\s*[:{]`, "m"), fromLine);
}

/**
 * Maps a line of the transpiled JS back to the .sqlx file: the transpiler copies config, js blocks
 * and SQL text through verbatim, so the generated line's text is found in the source.
 */
export function mapGeneratedLine(source: string, generated: string, generatedLine: number, generatedColumn?: number): { line: number; column?: number } {
  const genText = generated.split("\n")[generatedLine - 1] ?? "";
  const needle = genText.trim();
  if (needle.length === 0) return { line: 1 };
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i].indexOf(needle);
    if (at !== -1) {
      const shift = genText.indexOf(needle);
      const column = generatedColumn === undefined ? undefined : Math.max(1, generatedColumn - shift + at);
      return { line: i + 1, column };
    }
  }
  // The line may be wrapped by the transpiler (e.g. `...{` + config): try a shorter, distinctive piece.
  const piece = needle.replace(/^\.\.\.\{/, "").trim();
  if (piece && piece !== needle) {
    const i = lines.findIndex((l) => l.includes(piece));
    if (i !== -1) return { line: i + 1 };
  }
  return { line: 1 };
}
