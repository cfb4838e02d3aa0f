// Errors that come back from the engine: the PostgreSQL message plus its SQLSTATE, so the runner
// can tell a user's SQL mistake (fail the action) from a transient fault (retry it).
import { ExitCode, StrataError } from "../errors";
import { redact } from "../redact";

export class WarehouseError extends StrataError {
  constructor(
    message: string,
    /** SQLSTATE (e.g. "42P01") or a Node error code (e.g. "ECONNRESET") when known. */
    readonly code?: string,
    /** 1-based character offset into the statement, as PostgreSQL reports it. */
    readonly position?: number,
    readonly detail?: string,
    readonly hint?: string,
  ) {
    super(message, ExitCode.actionFailed);
    this.name = "WarehouseError";
  }
}

/** The statement was cancelled: an AbortSignal fired, or its timeout passed. */
export class CancelledError extends WarehouseError {
  constructor(message = "cancelled", code = "57014") {
    super(message, code);
    this.name = "CancelledError";
  }
}

/** SQLSTATEs and socket errors worth retrying: the same statement may well succeed next time. */
const TRANSIENT_CODES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "08000", // connection_exception
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08003", // connection_does_not_exist
  "08004", // sqlserver_rejected_establishment_of_sqlconnection
  "08006", // connection_failure
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
]);

const TRANSIENT_MESSAGES = [/Connection terminated unexpectedly/i, /terminating connection/i, /socket hang up/i];

export function isTransientError(err: unknown): boolean {
  if (err instanceof CancelledError) return false;
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
  return typeof e.message === "string" && TRANSIENT_MESSAGES.some((re) => re.test(e.message as string));
}

/**
 * Normalises whatever a driver threw (pg's DatabaseError, PGlite's, a socket error) into a
 * WarehouseError with a one-line, redacted message. StrataErrors pass through unchanged.
 */
export function toWarehouseError(err: unknown): StrataError {
  if (err instanceof StrataError) return err;
  const e = (err ?? {}) as { message?: string; code?: string; position?: string | number; detail?: string; hint?: string };
  const message = redact(String(e.message ?? err).split("\n")[0]);
  const position = e.position === undefined || e.position === "" ? undefined : Number(e.position);
  return new WarehouseError(message, typeof e.code === "string" ? e.code : undefined, position, e.detail ?? undefined, e.hint ?? undefined);
}
