// Each landing/<source>/contract.yaml declares the landing table it loads, so staging models can
// `ref("crm_customers")` or `ref("landing", "crm_customers")`. Only `table`, `description` and
// `columns[].name/description` are read here; the loader validates the rest of the contract.
import { yamlReason } from "./yaml-errors";
import type { CompilationError } from "../graph/types";

export interface LandingDeclaration {
  file: string;
  line: number;
  schema: string;
  name: string;
  description?: string;
  columns: { name: string; description?: string }[];
}

export function readLandingContract(file: string, text: string): LandingDeclaration | CompilationError {
  const YAML = require("yaml") as typeof import("yaml");
  let doc: import("yaml").Document.Parsed;
  try {
    doc = YAML.parseDocument(text);
  } catch (err) {
    return { message: `invalid YAML: ${yamlReason(err as Error)}`, fileName: file, line: 1 };
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return { message: `invalid YAML: ${yamlReason(e)}`, fileName: file, line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col };
  }
  const root = doc.toJS() as Record<string, unknown> | null;
  const lineOfKey = (key: string) => {
    const m = new RegExp(`^\\s*${key}\\s*:`, "m").exec(text);
    return m ? text.slice(0, m.index).split("\n").length + (m[0].startsWith("\n") ? 1 : 0) : 1;
  };
  const table = root && typeof root === "object" ? root.table : undefined;
  if (typeof table !== "string" || !/^[^.\s]+\.[^.\s]+$/.test(table)) {
    return { message: `contract needs "table: <schema>.<name>" naming its landing table${table === undefined ? "" : `; got ${JSON.stringify(table)}`}`, fileName: file, line: table === undefined ? 1 : lineOfKey("table") };
  }
  const [schema, name] = table.split(".");
  const columns: LandingDeclaration["columns"] = [];
  if (Array.isArray(root!.columns)) {
    for (const c of root!.columns as unknown[]) {
      if (c && typeof c === "object" && typeof (c as { name?: unknown }).name === "string") {
        const col = c as { name: string; description?: unknown };
        columns.push(typeof col.description === "string" ? { name: col.name, description: col.description } : { name: col.name });
      }
    }
  }
  const description = typeof root!.description === "string" ? root!.description : undefined;
  return { file, line: lineOfKey("table"), schema, name, description, columns };
}
