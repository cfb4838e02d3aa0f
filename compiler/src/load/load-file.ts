// Loads one landing file in ONE transaction: lock the file, create or align the landing table,
// COPY the rows as they are read and validated, check the primary key, write the manifest row.
// Anything that stops it halfway (a bad value on the last row, a killed process, a lost server)
// leaves no rows behind. A file that breaks its contract is then marked quarantined, separately.
import { createHash } from "node:crypto";
import fs from "node:fs";
import type { Session, Warehouse } from "../warehouse/warehouse";
import type { LandingContract } from "./contract";
import { csvReader } from "./formats/csv";
import type { FormatReaderFactory } from "./formats/format-reader";
import { jsonArrayReader } from "./formats/json-array";
import { ndjsonReader } from "./formats/ndjson";
import {
  afterLoadSql,
  alignLandingTableSql,
  copySql,
  createLandingTableSql,
  estimatedRowsSql,
  quotedTable,
  readLandingColumns,
  setSourceFileSql,
  tableName,
} from "./landing-table";
import { sha256File, type LandingFile } from "./landing-files";
import { lockFile, readManifestEntry, writeManifestEntry } from "./manifest";
import { ContractViolation, RowEncoder } from "./row-encoder";
import { quoteIdentifier } from "../graph/quote";

const READERS: Record<LandingContract["format"], FormatReaderFactory> = {
  csv: csvReader,
  json: jsonArrayReader,
  ndjson: ndjsonReader,
};

/**
 * Read size: big enough that per-chunk costs vanish, small enough that encoding the next chunk
 * overlaps with the server parsing the previous one (the socket buffers a few hundred KB).
 */
const CHUNK_BYTES = 1 << 18;

export type LoadOutcome =
  | { status: "loaded"; rows: number; sha256: string }
  /** Another process loaded it between our manifest read and our lock. */
  | { status: "unchanged" }
  | { status: "quarantined"; reason: string; sha256: string };

export async function loadFile(warehouse: Warehouse, contract: LandingContract, file: LandingFile): Promise<LoadOutcome> {
  let violation: ContractViolation | undefined;
  const digest = createHash("sha256");
  let hashedBytes = 0;
  /** The planner's row count before this file (-1: never analyzed), to decide on an analyze after it. */
  let rowsBefore = -1;

  const load = async (session: Session): Promise<LoadOutcome> => {
    await lockFile(session, file.source, file.path);
    const entry = await readManifestEntry(session, file.source, file.path);
    if (entry?.status === "loaded") return { status: "unchanged" };

    const existing = await readLandingColumns(session, contract);
    const ddl = existing ? alignLandingTableSql(contract, existing) : createLandingTableSql(contract);
    for (const statement of ddl) await session.execute(statement);
    rowsBefore = Number((await session.execute(estimatedRowsSql(contract))).rows[0]?.estimate ?? -1);

    await session.execute(setSourceFileSql(), { params: [file.path] });
    const encoder = new RowEncoder(contract.columns, { label: file.name, primaryKey: contract.primaryKey });
    const reader = READERS[contract.format](contract, encoder);

    async function* copyText(): AsyncGenerator<Buffer> {
      const stream = fs.createReadStream(file.absolutePath, { highWaterMark: CHUNK_BYTES });
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          digest.update(chunk);
          hashedBytes += chunk.length;
          const text = await reader.write(chunk);
          if (text.length > 0) yield text;
        }
        const last = await reader.end();
        if (last.length > 0) yield last;
      } catch (err) {
        if (err instanceof ContractViolation) violation = err;
        throw err;
      } finally {
        stream.destroy();
      }
    }

    const rows = await session.copyFrom!(copySql(contract), copyText());
    // A file whose keys came in non-overlapping ascending runs needs no check (key-order.ts).
    if (contract.primaryKey.length > 0 && !encoder.keysProvenUnique) {
      const duplicate = await findDuplicateKey(session, contract, file);
      if (duplicate) throw (violation = new ContractViolation(`${file.name}: ${duplicate}`));
    }
    const sha256 = digest.digest("hex");
    await writeManifestEntry(session, {
      source: file.source,
      path: file.path,
      contentSha256: sha256,
      status: "loaded",
      rows,
      bytes: hashedBytes,
      mtimeMs: file.mtimeMs,
      targetTable: tableName(contract),
    });
    return { status: "loaded", rows, sha256 };
  };

  let outcome: LoadOutcome;
  try {
    outcome = await warehouse.transaction(load);
  } catch (err) {
    const reason = violation?.reason ?? rejectedByDatabase(err, file);
    if (reason === undefined) throw err;
    const sha256 = await sha256File(file.absolutePath);
    await warehouse.transaction((session) =>
      writeManifestEntry(session, {
        source: file.source,
        path: file.path,
        contentSha256: sha256,
        status: "quarantined",
        rows: 0,
        reason,
        bytes: file.bytes,
        mtimeMs: file.mtimeMs,
        targetTable: tableName(contract),
      }),
    );
    return { status: "quarantined", reason, sha256 };
  }
  if (outcome.status === "loaded") for (const sql of afterLoadSql(contract, outcome.rows, rowsBefore)) await warehouse.execute(sql);
  return outcome;
}

/**
 * The primary key is unique within a file. Checked by the database after COPY, so memory never
 * grows with the file; only this load's rows are looked at.
 */
async function findDuplicateKey(session: Session, contract: LandingContract, file: LandingFile): Promise<string | undefined> {
  const keys = contract.primaryKey.map((k) => quoteIdentifier(k, "postgres"));
  const result = await session.execute(
    `select ${keys.map((k, i) => `${k}::text as k${i}`).join(", ")}, count(*)::int as n
       from ${quotedTable(contract)}
      where "_source_file" = $1 and "_loaded_at" = now()
      group by ${keys.join(", ")} having count(*) > 1 limit 1`,
    { params: [file.path] },
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const values = contract.primaryKey.map((_, i) => String(row[`k${i}`]));
  return `primary key (${contract.primaryKey.join(", ")}) = (${values.join(", ")}) appears ${row.n} times`;
}

/**
 * A value the contract let through but PostgreSQL refused (SQLSTATE class 22 data exception,
 * 23 integrity violation): the file is at fault, so it is quarantined like any other bad file.
 * Anything else (connection lost, permissions) is not the file's fault and is rethrown.
 */
function rejectedByDatabase(err: unknown, file: LandingFile): string | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== "string" || !/^2[23]/.test(code)) return undefined;
  const message = String((err as Error).message).split("\n")[0];
  return `${file.name}: PostgreSQL rejected the data: ${message}`;
}
