// A throwaway project with one landing source, for the load tests: unique source, schema and
// table names, so test files running in parallel on the same server never collide.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadLanding } from "../../src/load";
import type { Warehouse } from "../../src/warehouse/warehouse";

export const ORDER_COLUMNS = `columns:
  - {name: id, type: integer, required: true}
  - {name: customer, type: text}
  - {name: amount, type: numeric, decimal: ",", thousands: "."}
  - {name: ordered_on, type: date, format: "DD/MM/YYYY"}
  - {name: paid, type: boolean}
  - {name: created_at, type: timestamp}
`;

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

export class LandingProject {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-load-"));
  readonly schema = uniqueName("load");

  constructor(readonly warehouse: Warehouse) {}

  /** Adds landing/<source>/contract.yaml; returns the source name (unique). */
  addSource(format: "csv" | "json" | "ndjson", extra = "primaryKey: [id]", columns = ORDER_COLUMNS, source = uniqueName(`orders_${format}`)): string {
    fs.mkdirSync(path.join(this.dir, "landing", source), { recursive: true });
    const contract = `table: ${this.schema}.${source}\nformat: ${format}\n${extra}\n${columns}`;
    fs.writeFileSync(path.join(this.dir, "landing", source, "contract.yaml"), contract);
    return source;
  }

  write(source: string, name: string, content: string | Buffer): string {
    const file = path.join(this.dir, "landing", source, name);
    fs.writeFileSync(file, content);
    return file;
  }

  load(sources: string[]) {
    return loadLanding({ projectDir: this.dir, warehouse: this.warehouse, sources });
  }

  async rows(source: string, columns = "*"): Promise<Record<string, unknown>[]> {
    if (!(await this.tableExists(source))) return [];
    const result = await this.warehouse.execute(`select ${columns} from "${this.schema}"."${source}" order by 1`);
    return result.rows;
  }

  async tableExists(source: string): Promise<boolean> {
    const result = await this.warehouse.execute(`select to_regclass('"${this.schema}"."${source}"') is not null as present`);
    return result.rows[0].present === true;
  }

  async manifest(source: string): Promise<Record<string, unknown>[]> {
    const result = await this.warehouse.execute(
      `select path, status, rows::int as rows, reason, content_sha256 from strata_meta.loaded_files where source = $1 order by path`,
      { params: [source] },
    );
    return result.rows;
  }

  async cleanup(sources: string[]): Promise<void> {
    await this.warehouse.execute(`drop schema if exists "${this.schema}" cascade`);
    await this.warehouse.execute(`delete from strata_meta.loaded_files where source = any($1::text[])`, { params: [sources] }).catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A CSV of the order columns with `count` rows; `lastRow` replaces the final line when given. */
export function ordersCsv(count: number, lastRow?: string): string {
  const lines = ["id,customer,amount,ordered_on,paid,created_at"];
  for (let i = 1; i <= count; i++) {
    lines.push(`${i},customer ${i},"${i}.234,50",03/01/2024,${i % 2 ? "yes" : "no"},2024-01-03 10:00:00`);
  }
  if (lastRow !== undefined) lines[lines.length - 1] = lastRow;
  return `${lines.join("\n")}\n`;
}
