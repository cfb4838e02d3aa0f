// `loadLanding`: every landing source's new files, checked against its contract and loaded
// exactly once. What happens to each file:
//   new                          → loaded (or quarantined if it breaks the contract)
//   loaded before, same content  → unchanged (skipped)
//   loaded before, other content → changed: reported, never reloaded (exit 1)
//   quarantined, same content    → still quarantined (exit 1)
//   quarantined, other content   → the fixed file is loaded again
//   quarantined, file deleted    → released (its quarantine row is dropped)
import { UserError } from "../errors";
import type { Warehouse } from "../warehouse/warehouse";
import { discoverContracts, suggest, type LandingContract } from "./contract";
import { alignLandingTableSql, createLandingSchemaSql, readLandingColumns, tableName } from "./landing-table";
import { listLandingFiles, sha256File, type LandingFile } from "./landing-files";
import { loadFile } from "./load-file";
import { ensureManifest, manifestKey, readManifest, releaseQuarantine, touchManifestEntry, type ManifestEntry } from "./manifest";

export type FileStatus = "loaded" | "unchanged" | "changed" | "quarantined" | "released";

export interface FileResult {
  source: string;
  /** Relative to the project directory. */
  path: string;
  /** `schema.name` of the landing table. */
  table: string;
  status: FileStatus;
  rows: number;
  bytes: number;
  sha256?: string;
  /** Quarantined/changed: why. */
  reason?: string;
  /** Quarantined by an earlier load and unchanged since. */
  previouslyQuarantined?: boolean;
  durationMs: number;
}

export interface LoadReport {
  files: FileResult[];
  loaded: number;
  unchanged: number;
  changed: number;
  quarantined: number;
  released: number;
  /** Rows loaded by this run. */
  rows: number;
  /** Bytes of the files loaded by this run. */
  bytes: number;
  durationMs: number;
  /** 0 when every file is loaded or unchanged; 1 when a file is quarantined or changed. */
  exitCode: 0 | 1;
}

export type LoadEvent =
  | { type: "file_start"; source: string; path: string; bytes: number }
  | { type: "file_done"; result: FileResult };

export interface LoadLandingOptions {
  projectDir: string;
  /** A connected warehouse with COPY (PostgreSQL or PGlite). */
  warehouse: Warehouse;
  /** Only these sources (folder names under landing/); all when absent or empty. */
  sources?: string[];
  onEvent?: (event: LoadEvent) => void;
  /** Contracts already read with `selectContracts` (the CLI validates them before connecting). */
  contracts?: LandingContract[];
}

export async function loadLanding(options: LoadLandingOptions): Promise<LoadReport> {
  const started = performance.now();
  const { projectDir, warehouse } = options;
  const contracts = options.contracts ?? selectContracts(projectDir, options.sources);
  if (typeof warehouse.copyFrom !== "function") {
    throw new UserError(`strata load needs a PostgreSQL or PGlite target: the ${warehouse.adapter} adapter has no COPY`);
  }
  const files: FileResult[] = [];
  const emit = (result: FileResult) => {
    files.push(result);
    options.onEvent?.({ type: "file_done", result });
  };

  if (contracts.length > 0) {
    const manifest = await warehouse.withSession((s) => readManifest(s, contracts.map((c) => c.source)));
    const plans = contracts.map((contract) => ({ contract, files: listLandingFiles(contract, projectDir) }));
    /** Sources with a file not loaded yet. */
    const pending = plans.filter((p) => p.files.some((f) => manifest.get(manifestKey(f.source, f.path))?.status !== "loaded"));
    await checkTablesFitContracts(warehouse, pending);
    await ensureManifest(warehouse);

    const loadSource = async ({ contract, files: landingFiles }: SourcePlan) => {
      for (const file of landingFiles) {
        emit(await processFile(warehouse, contract, file, manifest.get(manifestKey(file.source, file.path)), options));
      }
      const present = new Set(landingFiles.map((f) => f.path));
      const gone = [...manifest.values()].filter((e) => e.source === contract.source && e.status === "quarantined" && !present.has(e.path));
      if (gone.length > 0) {
        await warehouse.withSession((s) => releaseQuarantine(s, contract.source, gone.map((e) => e.path)));
        for (const e of gone) {
          emit({ source: e.source, path: e.path, table: e.targetTable, status: "released", rows: 0, bytes: 0, reason: "file removed; quarantine lifted", durationMs: 0 });
        }
      }
    };
    // Sources load side by side, up to one per connection: each file is its own transaction into its
    // source's table. A source's files load one after the other in name order, so its later file
    // always gets the later _loaded_at; sources sharing a landing table load one after the other,
    // and the schemas are created first (concurrent `create … if not exists` of one name collide).
    await createLandingSchemas(warehouse, pending);
    const byTable = new Map<string, SourcePlan[]>();
    for (const plan of plans) {
      const table = tableName(plan.contract);
      byTable.set(table, [...(byTable.get(table) ?? []), plan]);
    }
    await forEachAtOnce([...byTable.values()], warehouse.maxConcurrency, async (sharing) => {
      for (const plan of sharing) await loadSource(plan);
    });
  }
  // The report lists the files in source order, however the loads interleaved.
  const order = new Map(contracts.map((c, i) => [c.source, i]));
  files.sort((a, b) => order.get(a.source)! - order.get(b.source)!);
  return summarize(files, performance.now() - started);
}

/**
 * Runs `work` on every item, at most `limit` at once, and settles when all have; the first failure
 * stops starting new items and is thrown once the running ones settle.
 */
async function forEachAtOnce<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}

async function processFile(
  warehouse: Warehouse,
  contract: LandingContract,
  file: LandingFile,
  entry: ManifestEntry | undefined,
  options: LoadLandingOptions,
): Promise<FileResult> {
  const started = performance.now();
  const base = { source: file.source, path: file.path, table: tableName(contract), bytes: file.bytes };
  const done = (rest: Pick<FileResult, "status" | "rows"> & Partial<FileResult>): FileResult => ({
    ...base,
    ...rest,
    durationMs: Math.round(performance.now() - started),
  });

  if (entry) {
    // Same size and mtime as when it was last hashed: trusted unchanged without reading it again.
    const quickSame = entry.bytes === file.bytes && entry.mtimeMs === file.mtimeMs;
    const sha256 = quickSame ? entry.contentSha256 : await sha256File(file.absolutePath);
    const same = sha256 === entry.contentSha256;
    if (same && !quickSame) await warehouse.withSession((s) => touchManifestEntry(s, file.source, file.path, file.mtimeMs));
    if (entry.status === "loaded") {
      if (same) return done({ status: "unchanged", rows: entry.rows, sha256 });
      return done({
        status: "changed",
        rows: 0,
        sha256,
        reason: `${file.name} changed since it was loaded at ${entry.loadedAt} (sha256 ${entry.contentSha256.slice(0, 12)}… → ${sha256.slice(0, 12)}…); not reloaded — restore it, or land the corrected data under a new file name`,
      });
    }
    if (same) return done({ status: "quarantined", rows: 0, sha256, reason: entry.reason, previouslyQuarantined: true });
    // A quarantined file that changed is a fixed file: load it.
  }

  options.onEvent?.({ type: "file_start", source: file.source, path: file.path, bytes: file.bytes });
  const outcome = await loadFile(warehouse, contract, file);
  switch (outcome.status) {
    case "loaded":
      return done({ status: "loaded", rows: outcome.rows, sha256: outcome.sha256 });
    case "unchanged":
      return done({ status: "unchanged", rows: 0 });
    case "quarantined":
      return done({ status: "quarantined", rows: 0, sha256: outcome.sha256, reason: outcome.reason });
  }
}

/** The contracts of the wanted sources (all when none named); an unknown name is a UserError. */
export function selectContracts(projectDir: string, wanted?: string[]): LandingContract[] {
  const contracts = discoverContracts(projectDir);
  if (!wanted || wanted.length === 0) return contracts;
  const known = contracts.map((c) => c.source);
  for (const name of wanted) {
    if (!known.includes(name)) {
      const list = known.length > 0 ? known.join(", ") : "none: no landing/<source>/contract.yaml found";
      throw new UserError(`unknown landing source "${name}"${suggest(name, known)}; sources: ${list}`);
    }
  }
  return contracts.filter((c) => wanted.includes(c.source));
}

interface SourcePlan {
  contract: LandingContract;
  files: LandingFile[];
}

async function createLandingSchemas(warehouse: Warehouse, plans: SourcePlan[]): Promise<void> {
  const schemas = new Set(plans.map((p) => p.contract.table.schema));
  for (const schema of schemas) await warehouse.execute(createLandingSchemaSql(schema));
}

/**
 * Before loading anything: every existing landing table that a new file will load into must fit
 * its contract, so a contract/table mismatch stops the command (exit 2) with nothing changed.
 */
async function checkTablesFitContracts(warehouse: Warehouse, pending: SourcePlan[]): Promise<void> {
  if (pending.length === 0) return;
  await warehouse.withSession(async (session) => {
    for (const { contract } of pending) {
      const existing = await readLandingColumns(session, contract);
      if (existing) alignLandingTableSql(contract, existing);
    }
  });
}

function summarize(files: FileResult[], durationMs: number): LoadReport {
  const count = (status: FileStatus) => files.filter((f) => f.status === status).length;
  const loadedFiles = files.filter((f) => f.status === "loaded");
  const report: Omit<LoadReport, "exitCode"> = {
    files,
    loaded: loadedFiles.length,
    unchanged: count("unchanged"),
    changed: count("changed"),
    quarantined: count("quarantined"),
    released: count("released"),
    rows: loadedFiles.reduce((sum, f) => sum + f.rows, 0),
    bytes: loadedFiles.reduce((sum, f) => sum + f.bytes, 0),
    durationMs: Math.round(durationMs),
  };
  return { ...report, exitCode: report.changed > 0 || report.quarantined > 0 ? 1 : 0 };
}
