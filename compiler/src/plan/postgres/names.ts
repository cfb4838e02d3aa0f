// Names of the objects a run creates beside its targets. PostgreSQL truncates identifiers longer
// than 63 bytes (silently, with a NOTICE), which could cut off the `__strata_tmp_` marker or make
// two long names collide; so long bases are shortened here, with a hash of the full name kept.
import crypto from "node:crypto";

const MAX_IDENTIFIER_BYTES = 63;

export type TempRole = "tmp" | "old";

/** Marker of a temp object: `<name>__strata_tmp_<runId>`. Leftover cleanup looks for it. */
export function tempMarker(role: TempRole): string {
  return `__strata_${role}_`;
}

/** `<name>__strata_<role>_<runId>`, within PostgreSQL's 63-byte identifier limit. */
export function tempName(name: string, role: TempRole, runId: string): string {
  return fitIdentifier(name, `${tempMarker(role)}${runToken(runId)}`);
}

/** Index names: `<table>_<columns>_key` for unique indexes, `<table>_<columns>_idx` otherwise. */
export function indexName(table: string, columns: string[], unique: boolean): string {
  return fitIdentifier(`${table}_${columns.join("_")}`, unique ? "_key" : "_idx");
}

/** The run id as it appears in names: kept when short and plain, else a hash of it. */
function runToken(runId: string): string {
  return /^[a-z0-9_]{1,24}$/.test(runId) ? runId : shortHash(runId, 12);
}

/** `base + suffix`, shortening `base` (and adding a hash of it) when the whole would exceed 63 bytes. */
export function fitIdentifier(base: string, suffix: string): string {
  if (bytes(base + suffix) <= MAX_IDENTIFIER_BYTES) return base + suffix;
  const hash = `_${shortHash(base, 8)}`;
  const chars = Array.from(base); // whole characters: never cut a multi-byte one in half
  while (chars.length > 0 && bytes(chars.join("") + hash + suffix) > MAX_IDENTIFIER_BYTES) chars.pop();
  return chars.join("") + hash + suffix;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function shortHash(text: string, length: number): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}
