// Why a connection to a PostgreSQL server failed, in one line a user can act on. Pure, so every
// case is unit-tested without a server that refuses passwords or speaks no TLS.
import { ConnectionError } from "../errors";
import { redact } from "../redact";

export interface ConnectionPlace {
  target: string;
  host: string;
  port: number;
  user?: string;
  database?: string;
  connectTimeoutMs: number;
}

export function connectionError(err: unknown, place: ConnectionPlace): ConnectionError {
  const where = `cannot connect to postgres target "${place.target}" at ${place.host}:${place.port}`;
  return new ConnectionError(redact(`${where}: ${connectionFailureReason(err, place)}`));
}

export function connectionFailureReason(err: unknown, place: ConnectionPlace): string {
  const e = (err ?? {}) as { code?: string; message?: string };
  const message = String(e.message ?? err).split("\n")[0];
  switch (e.code) {
    case "ECONNREFUSED":
      return "connection refused (is the server running and listening on that port?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host "${place.host}" not found`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `no answer within ${seconds(place.connectTimeoutMs)} (${e.code})`;
    case "28P01": // invalid_password
    case "3D000": // invalid_catalog_name: database does not exist
      return message;
    case "28000": // invalid_authorization_specification: role does not exist, pg_hba rejects
      return /no encryption/i.test(message) ? "the server requires SSL (set ssl: require in targets.yaml)" : message;
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "CERT_HAS_EXPIRED":
      return `the server's TLS certificate is not trusted (${e.code}); set sslRootCert to its CA bundle, or ssl: require to encrypt without verifying`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `the server's TLS certificate does not match host "${place.host}"`;
  }
  if (/does not support SSL/i.test(message)) return "the server does not support SSL (set ssl: disable in targets.yaml)";
  if (/timeout/i.test(message)) return `no answer within ${seconds(place.connectTimeoutMs)}`;
  if (/Connection terminated unexpectedly/i.test(message)) return "the server closed the connection during startup";
  return message || "unknown error";
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
