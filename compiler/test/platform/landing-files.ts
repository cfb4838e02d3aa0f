// Reads the reference platform's landing files straight from disk, typed by their contract.yaml —
// independently of Strata's loader — so the end-to-end test can compute the marts' figures itself.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

export type LandingValue = string | number | boolean | null;
export type LandingRow = Record<string, LandingValue>;

interface ContractColumn {
  name: string;
  type: "text" | "integer" | "bigint" | "numeric" | "boolean" | "date" | "timestamp";
  format?: string;
  decimal?: string;
  thousands?: string;
}

export interface Contract {
  source: string;
  table: string;
  format: "csv" | "json" | "ndjson";
  files?: string;
  csv?: { delimiter?: string };
  dateFormat?: string;
  timestampFormat?: string;
  decimal?: string;
  columns: ContractColumn[];
}

export interface LandingFile {
  source: string;
  /** Path relative to the landing folder, e.g. "sales_orders/sales_orders_2024-12-01.csv". */
  file: string;
  rows: LandingRow[];
}

export function readContract(sourceDir: string): Contract {
  const contract = YAML.parse(fs.readFileSync(path.join(sourceDir, "contract.yaml"), "utf8")) as Contract;
  contract.source ??= path.basename(sourceDir);
  return contract;
}

/** Every landing file under `landingDir`, sources in name order, files in name order within a source. */
export function readLanding(landingDir: string): { contracts: Contract[]; files: LandingFile[] } {
  const contracts: Contract[] = [];
  const files: LandingFile[] = [];
  for (const source of fs.readdirSync(landingDir).sort()) {
    const dir = path.join(landingDir, source);
    if (!fs.existsSync(path.join(dir, "contract.yaml"))) continue;
    const contract = readContract(dir);
    contracts.push(contract);
    const extension = (contract.files ?? `*.${contract.format}`).replace(/^\*/, "");
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(extension)).sort()) {
      files.push({ source: contract.source, file: `${source}/${name}`, rows: parseFile(contract, fs.readFileSync(path.join(dir, name), "utf8")) });
    }
  }
  return { contracts, files };
}

export function parseFile(contract: Contract, text: string): LandingRow[] {
  const records = contract.format === "csv" ? parseCsv(text.replace(/^\uFEFF/, ""), contract.csv?.delimiter ?? ",")
    : contract.format === "json" ? (JSON.parse(text) as Record<string, unknown>[])
    : text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
  return records.map((record) => {
    const row: LandingRow = {};
    for (const column of contract.columns) row[column.name] = typed(contract, column, record[column.name]);
    return row;
  });
}

function parseCsv(text: string, delimiter: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) { row.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name.trim(), cells[i] ?? ""])));
}

function typed(contract: Contract, column: ContractColumn, raw: unknown): LandingValue {
  if (raw === null || raw === undefined) return null;
  const text = String(raw).trim();
  if (text === "") return null;
  switch (column.type) {
    case "integer":
    case "bigint":
      return Number(text);
    case "numeric": {
      const decimal = column.decimal ?? contract.decimal ?? ".";
      let normal = text;
      if (column.thousands) normal = normal.split(column.thousands).join("");
      if (decimal !== ".") normal = normal.replace(decimal, ".");
      return normal;
    }
    case "boolean":
      return text === "true";
    case "date":
      return reformat(text, column.format ?? contract.dateFormat ?? "YYYY-MM-DD").slice(0, 10);
    case "timestamp":
      return reformat(text, column.format ?? contract.timestampFormat ?? "YYYY-MM-DD HH:mm:ss");
    default:
      return text;
  }
}

/** "DD/MM/YYYY" etc. → "YYYY-MM-DD HH:mm:ss" (time 00:00:00 when the format has none). */
function reformat(text: string, format: string): string {
  const part = (token: string, fallback: string) => {
    const at = format.indexOf(token);
    return at < 0 ? fallback : text.slice(at, at + token.length);
  };
  return `${part("YYYY", "")}-${part("MM", "")}-${part("DD", "")} ${part("HH", "00")}:${part("mm", "00")}:${part("ss", "00")}`;
}

/** Amount string "1234.5" → integer cents, exactly. */
export function cents(value: LandingValue): number {
  const [whole, fraction = ""] = String(value).split(".");
  const sign = whole.startsWith("-") ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 100 + Number((fraction + "00").slice(0, 2)));
}
