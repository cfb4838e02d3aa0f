// The behaviour of `loadLanding` every engine must show: typed rows with metadata, exactly-once,
// changed files reported, bad files rejected whole with a precise reason, quarantine and its release.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors";
import { quarantinedSources } from "../../src/load";
import type { Warehouse } from "../../src/warehouse/warehouse";
import { LandingProject, ordersCsv } from "./landing-project";

export function describeLoading(label: string, open: () => Warehouse): void {
  describe(label, () => {
    const warehouse = open();
    let project: LandingProject;
    const sources: string[] = [];
    const add = (...args: Parameters<LandingProject["addSource"]>) => {
      const source = project.addSource(...args);
      sources.push(source);
      return source;
    };

    beforeAll(async () => {
      await warehouse.connect();
      project = new LandingProject(warehouse);
    });
    afterAll(async () => {
      await project.cleanup(sources);
      await warehouse.close();
    });

    it("loads CSV, JSON and NDJSON with typed columns, metadata and equal row hashes for equal rows", async () => {
      const csv = add("csv");
      const json = add("json");
      const nd = add("ndjson");
      const csvFile = project.write(csv, "orders_2024-01-03.csv", ordersCsv(2));
      const row = (i: number) => ({ id: i, customer: `customer ${i}`, amount: `${i}.234,50`, ordered_on: "03/01/2024", paid: i % 2 === 1, created_at: "2024-01-03 10:00:00" });
      project.write(json, "orders.json", JSON.stringify([row(1), row(2)], null, 2));
      project.write(nd, "orders.ndjson", `${JSON.stringify(row(1))}\n${JSON.stringify(row(2))}\n`);

      const report = await project.load([csv, json, nd]);
      expect(report).toMatchObject({ loaded: 3, rows: 6, quarantined: 0, exitCode: 0 });
      const columns = `id, customer, amount::text as amount, ordered_on::text as ordered_on, paid, created_at::text as created_at,
                       _source_file, _row_hash, _loaded_at is not null as has_loaded_at`;
      const csvRows = await project.rows(csv, columns);
      expect(csvRows).toEqual([
        { id: 1, customer: "customer 1", amount: "1234.50", ordered_on: "2024-01-03", paid: true, created_at: "2024-01-03 10:00:00", _source_file: `landing/${csv}/orders_2024-01-03.csv`, _row_hash: expect.stringMatching(/^[0-9a-f]{32}$/), has_loaded_at: true },
        { id: 2, customer: "customer 2", amount: "2234.50", ordered_on: "2024-01-03", paid: false, created_at: "2024-01-03 10:00:00", _source_file: `landing/${csv}/orders_2024-01-03.csv`, _row_hash: expect.stringMatching(/^[0-9a-f]{32}$/), has_loaded_at: true },
      ]);
      const hashes = async (source: string) => (await project.rows(source, "id, _row_hash")).map((r) => r._row_hash);
      expect(await hashes(json)).toEqual(await hashes(csv));
      expect(await hashes(nd)).toEqual(await hashes(csv));

      const sha = createHash("sha256").update(fs.readFileSync(csvFile)).digest("hex");
      expect(await project.manifest(csv)).toEqual([{ path: `landing/${csv}/orders_2024-01-03.csv`, status: "loaded", rows: 2, reason: null, content_sha256: sha }]);
    });

    it("loads a file once, reports a changed file without reloading it, and loads new files", async () => {
      const src = add("csv");
      const file = project.write(src, "a.csv", ordersCsv(3));
      expect((await project.load([src])).loaded).toBe(1);

      const again = await project.load([src]);
      expect(again).toMatchObject({ loaded: 0, unchanged: 1, exitCode: 0 });
      // Touched but identical: re-hashed, still unchanged.
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      expect((await project.load([src])).unchanged).toBe(1);

      fs.writeFileSync(file, ordersCsv(4));
      project.write(src, "b.csv", ordersCsv(1).replace("1,customer 1", "10,customer 10"));
      const changed = await project.load([src]);
      expect(changed).toMatchObject({ loaded: 1, changed: 1, exitCode: 1 });
      expect(changed.files.find((f) => f.status === "changed")?.reason).toMatch(/^a\.csv changed since it was loaded at .*; not reloaded/);
      expect((await project.rows(src, "id")).map((r) => r.id)).toEqual([1, 2, 3, 10]);
    });

    it.each([
      ["a wrong header", "csv", "bad.csv", "id,customer,amount,ordered_on,paid,created\n1,a,1,03/01/2024,y,2024-01-03 10:00:00\n",
        'bad.csv header: missing column "created_at"; unexpected column "created" (did you mean "created_at"?)'],
      ["a bad type on the last row", "csv", "bad.csv", ordersCsv(3000, "3000,x,\"12,x\",03/01/2024,y,2024-01-03 10:00:00"),
        'bad.csv row 3000, column "amount": "12,x" is not a numeric'],
      ["a missing required value", "csv", "bad.csv", ordersCsv(3, ",nobody,1,03/01/2024,y,2024-01-03 10:00:00"),
        'bad.csv row 3, column "id": missing required value'],
      ["invalid JSON", "json", "bad.json", '[{"id": 1}, {"id": 2,}]', /^bad\.json: invalid JSON after row 1: /],
      ["a duplicate primary key", "csv", "bad.csv", ordersCsv(3, "2,dup,1,03/01/2024,y,2024-01-03 10:00:00"),
        "bad.csv: primary key (id) = (2) appears 2 times"],
      // Ascending runs (1-3, then 0, 2, 9) whose ranges overlap: the database looks for the duplicate.
      ["a duplicate primary key in a second ascending run", "csv", "bad.csv", ordersCsv(3) + [0, 2, 9].map((id) => `${id},again,1,03/01/2024,y,2024-01-03 10:00:00\n`).join(""),
        "bad.csv: primary key (id) = (2) appears 2 times"],
    ] as const)("rejects a file with %s whole, with a precise reason and no rows", async (_, format, name, content, reason) => {
      const src = add(format);
      project.write(src, name, content);
      const report = await project.load([src]);
      expect(report).toMatchObject({ loaded: 0, quarantined: 1, rows: 0, exitCode: 1 });
      expect(report.files[0].reason).toMatch(typeof reason === "string" ? new RegExp(`^${escape(reason)}$`) : reason);
      expect(await project.rows(src)).toEqual([]);
      expect(await project.manifest(src)).toMatchObject([{ status: "quarantined", rows: 0, reason: report.files[0].reason }]);
    });

    it("keeps a file quarantined until it is fixed or removed, and exposes it to the runner", async () => {
      const src = add("csv");
      const bad = project.write(src, "day1.csv", ordersCsv(2, "2,x,oops,03/01/2024,y,2024-01-03 10:00:00"));
      project.write(src, "day2.csv", ordersCsv(1).replace("1,customer 1", "5,customer 5"));
      expect(await project.load([src])).toMatchObject({ loaded: 1, quarantined: 1, exitCode: 1 });
      expect((await quarantinedSources(warehouse)).filter((q) => q.source === src)).toEqual([
        { source: src, path: `landing/${src}/day1.csv`, table: `${project.schema}.${src}`, reason: 'day1.csv row 2, column "amount": "oops" is not a numeric', quarantinedAt: expect.any(String) },
      ]);

      const still = await project.load([src]);
      expect(still).toMatchObject({ quarantined: 1, unchanged: 1, exitCode: 1 });
      expect(still.files[0]).toMatchObject({ status: "quarantined", previouslyQuarantined: true });

      fs.writeFileSync(bad, ordersCsv(2));
      expect(await project.load([src])).toMatchObject({ loaded: 1, quarantined: 0, exitCode: 0 });
      expect((await project.rows(src, "id")).map((r) => r.id)).toEqual([1, 2, 5]);
      expect((await quarantinedSources(warehouse)).filter((q) => q.source === src)).toEqual([]);

      const other = project.write(src, "day3.csv", "nonsense\n");
      expect((await project.load([src])).quarantined).toBe(1);
      fs.rmSync(other);
      const released = await project.load([src]);
      expect(released).toMatchObject({ released: 1, exitCode: 0 });
      expect((await quarantinedSources(warehouse)).filter((q) => q.source === src)).toEqual([]);
    });

    it("indexes _loaded_at with BRIN, summarizes each load, and analyzes when a load adds a tenth of the table", async () => {
      const src = add("csv");
      const table = `"${project.schema}"."${src}"`;
      const orders = (from: number, count: number) =>
        ["id,customer,amount,ordered_on,paid,created_at", ...Array.from({ length: count }, (_, i) => `${from + i},c,"1,50",03/01/2024,yes,2024-01-03 10:00:00`)].join("\n") + "\n";
      const estimate = async () => Number((await warehouse.execute(`select reltuples::float8 as n from pg_class where oid = '${table}'::regclass`)).rows[0].n);

      project.write(src, "a.csv", orders(1, 1000));
      await project.load([src]);
      const indexes = await warehouse.execute(`select indexdef from pg_indexes where schemaname = '${project.schema}' and tablename = '${src}'`);
      expect(indexes.rows.map((r) => String(r.indexdef).replace(/^.* USING /, "USING "))).toEqual(["USING brin (_loaded_at)"]);
      expect(await estimate()).toBe(1000); // a new table: analyzed
      const index = `'"${project.schema}"."${src.slice(0, 48)}__loaded_at_brin"'::regclass`;

      project.write(src, "b.csv", orders(1001, 50)); // 5% more: statistics kept
      await project.load([src]);
      expect(await estimate()).toBe(1000);
      project.write(src, "c.csv", orders(1051, 150)); // 14% more: analyzed again
      await project.load([src]);
      expect(await estimate()).toBe(1200);
      // Every page range the loads filled was summarized: nothing is left for VACUUM to do.
      expect(Number((await warehouse.execute(`select brin_summarize_new_values(${index}) as n`)).rows[0].n)).toBe(0);
    });

    it("adds new contract columns to the landing table and refuses a changed column type", async () => {
      const src = add("csv", "", "columns:\n  - {name: id, type: integer}\n");
      project.write(src, "a.csv", "id\n1\n");
      await project.load([src]);
      const contract = path.join(project.dir, "landing", src, "contract.yaml");
      fs.writeFileSync(contract, `table: ${project.schema}.${src}\ncolumns:\n  - {name: id, type: integer}\n  - {name: note, type: text}\n`);
      project.write(src, "b.csv", "id,note\n2,hi\n");
      expect((await project.load([src])).loaded).toBe(1);
      expect(await project.rows(src, "id, note")).toEqual([{ id: 1, note: null }, { id: 2, note: "hi" }]);

      fs.writeFileSync(contract, `table: ${project.schema}.${src}\ncolumns:\n  - {name: id, type: text}\n  - {name: note, type: text}\n`);
      project.write(src, "c.csv", "id,note\n3,x\n");
      const error = await project.load([src]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).oneLine()).toBe(
        `landing/${src}/contract.yaml:3: column "id" is text in the contract but integer in ${project.schema}.${src}; alter the table or the contract`,
      );
      expect((await project.rows(src, "id")).length).toBe(2);
    });
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
