// YAML parse errors as one line with a place: `file:line:col: invalid YAML: <reason>`. The yaml
// package's own message repeats the position and appends a code excerpt; both are dropped.
import { UserError } from "../errors";

interface YamlErrorLike {
  message: string;
  linePos?: { line: number; col: number }[];
}

/** "Flow sequence … end with a ] at line 2, column 1:\n…" → "Flow sequence … end with a ]". */
export function yamlReason(err: YamlErrorLike): string {
  return err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "").replace(/:$/, "");
}

/** Parses a YAML file's text; a syntax error becomes a UserError at its line and column. */
export function parseYamlFile(text: string, file: string): unknown {
  const YAML = require("yaml") as typeof import("yaml");
  try {
    return YAML.parse(text);
  } catch (err) {
    const e = err as YamlErrorLike;
    const pos = e.linePos?.[0];
    throw new UserError(`invalid YAML: ${yamlReason(e)}`, { file, line: pos?.line ?? 1, column: pos?.col });
  }
}
