// strata_meta.loaded_files: one row per landing file ever loaded or quarantined, keyed by
// (source, path). It is what makes loading exactly-once: the row is written in the same
// transaction as the file's rows, so either both exist or neither does.
import type { Session, Warehouse } from "../warehouse/warehouse";

export const MANIFEST_TABLE = "strata_meta.loaded_files";

export type ManifestStatus = "loaded" | "quarantined";

export interface ManifestEntry {
  source: string;
  /** Relative to the project directory, with "/" separators. */
  path: string;
  contentSha256: string;
  status: ManifestStatus;
  rows: number;
  reason?: string;
  loadedAt?: string;
  bytes: number;
  /** The file's mtime (ms) when it was last hashed; with `bytes`, lets an unchanged file skip re-hashing. */
  mtimeMs: number;
  /** `schema.name` the file loaded into. */
  targetTable: string;
}

export interface QuarantinedFile {
  source: string;
  path: string;
  table: string;
  reason: string;
  quarantinedAt: string;
}

const CREATE_MANIFEST = `create schema if not exists strata_meta;
create table if not exists ${MANIFEST_TABLE} (
  source text not null,
  path text not null,
  content_sha256 text not null,
  status text not null check (status in ('loaded', 'quarantined')),
  rows bigint not null default 0,
  reason text,
  loaded_at timestamptz not null default now(),
  bytes bigint not null default 0,
  mtime_ms bigint not null default 0,
  target_table text not null,
  primary key (source, path)
)`;

export async function ensureManifest(warehouse: Warehouse): Promise<void> {
  // Serialized: two loads creating it at once would otherwise race on the catalog.
  await warehouse.transaction(async (session) => {
    await session.execute("select pg_advisory_xact_lock(hashtext('strata_meta.loaded_files'))");
    await session.execute(CREATE_MANIFEST);
  });
}

/** The manifest rows of these sources (none when nothing was ever loaded: no table yet). */
export async function readManifest(session: Session, sources: string[]): Promise<Map<string, ManifestEntry>> {
  if (!(await manifestExists(session))) return new Map();
  const result = await session.execute(
    `select source, path, content_sha256, status, rows::text as rows, reason, loaded_at::text as loaded_at,
            bytes::text as bytes, mtime_ms::text as mtime_ms, target_table
       from ${MANIFEST_TABLE} where source = any($1::text[])`,
    { params: [sources] },
  );
  return new Map(result.rows.map((r) => [manifestKey(String(r.source), String(r.path)), toEntry(r)]));
}

/** The manifest row of one file, read under the file's lock inside the load transaction. */
export async function readManifestEntry(session: Session, source: string, filePath: string): Promise<ManifestEntry | undefined> {
  const result = await session.execute(
    `select source, path, content_sha256, status, rows::text as rows, reason, loaded_at::text as loaded_at,
            bytes::text as bytes, mtime_ms::text as mtime_ms, target_table
       from ${MANIFEST_TABLE} where source = $1 and path = $2`,
    { params: [source, filePath] },
  );
  return result.rows[0] ? toEntry(result.rows[0]) : undefined;
}

export function manifestKey(source: string, filePath: string): string {
  return `${source}\u0000${filePath}`;
}

/** Serializes loads of the same file across processes, until the transaction ends. */
export async function lockFile(session: Session, source: string, filePath: string): Promise<void> {
  await session.execute("select pg_advisory_xact_lock(hashtext($1))", { params: [`strata-load:${source}:${filePath}`] });
}

/** Inserts or replaces the file's row (a fixed, quarantined file becomes loaded). */
export async function writeManifestEntry(session: Session, entry: Omit<ManifestEntry, "loadedAt">): Promise<void> {
  await session.execute(
    `insert into ${MANIFEST_TABLE} (source, path, content_sha256, status, rows, reason, loaded_at, bytes, mtime_ms, target_table)
     values ($1, $2, $3, $4, $5, $6, now(), $7, $8, $9)
     on conflict (source, path) do update set
       content_sha256 = excluded.content_sha256, status = excluded.status, rows = excluded.rows,
       reason = excluded.reason, loaded_at = excluded.loaded_at, bytes = excluded.bytes,
       mtime_ms = excluded.mtime_ms, target_table = excluded.target_table`,
    {
      params: [
        entry.source, entry.path, entry.contentSha256, entry.status, entry.rows, entry.reason ?? null,
        entry.bytes, Math.trunc(entry.mtimeMs), entry.targetTable,
      ],
    },
  );
}

/** Remembers a new mtime for a file whose content was re-hashed and found unchanged. */
export async function touchManifestEntry(session: Session, source: string, filePath: string, mtimeMs: number): Promise<void> {
  await session.execute(`update ${MANIFEST_TABLE} set mtime_ms = $3 where source = $1 and path = $2`, {
    params: [source, filePath, Math.trunc(mtimeMs)],
  });
}

/** Drops quarantine rows of files that are no longer in the landing folder. */
export async function releaseQuarantine(session: Session, source: string, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await session.execute(`delete from ${MANIFEST_TABLE} where source = $1 and status = 'quarantined' and path = any($2::text[])`, {
    params: [source, paths],
  });
}

/**
 * Quarantined landing files, for the runner to stop the models downstream of their sources.
 * Empty when nothing was ever loaded (no manifest table).
 */
export async function quarantinedSources(warehouse: Warehouse): Promise<QuarantinedFile[]> {
  if (!(await manifestExists(warehouse))) return [];
  const result = await warehouse.execute(
    `select source, path, target_table, reason, loaded_at::text as loaded_at
       from ${MANIFEST_TABLE} where status = 'quarantined' order by source, path`,
  );
  return result.rows.map((r) => ({
    source: String(r.source),
    path: String(r.path),
    table: String(r.target_table),
    reason: String(r.reason ?? ""),
    quarantinedAt: String(r.loaded_at),
  }));
}

async function manifestExists(session: Session): Promise<boolean> {
  const result = await session.execute(`select to_regclass('${MANIFEST_TABLE}') is not null as present`);
  return result.rows[0]?.present === true;
}

function toEntry(r: Record<string, unknown>): ManifestEntry {
  return {
    source: String(r.source),
    path: String(r.path),
    contentSha256: String(r.content_sha256),
    status: r.status as ManifestStatus,
    rows: Number(r.rows),
    reason: r.reason === null || r.reason === undefined ? undefined : String(r.reason),
    loadedAt: r.loaded_at === null || r.loaded_at === undefined ? undefined : String(r.loaded_at),
    bytes: Number(r.bytes),
    mtimeMs: Number(r.mtime_ms),
    targetTable: String(r.target_table),
  };
}
