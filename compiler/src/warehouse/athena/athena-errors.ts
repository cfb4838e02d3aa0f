// What an Athena API failure means for the run: bad or missing credentials and unreachable
// endpoints are ConnectionErrors (exit 3); throttling is retried by the driver; a failed query
// carries Athena's error category and message to the user.
import type { QueryExecution } from "@aws-sdk/client-athena";
import { ConnectionError, StrataError } from "../../errors";
import { redact } from "../../redact";
import { WarehouseError } from "../warehouse-error";

const THROTTLING = new Set(["TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded"]);

const CREDENTIAL_FAILURES = new Set([
  "CredentialsProviderError",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "InvalidClientTokenId",
  "ExpiredTokenException",
  "ExpiredToken",
  "AccessDeniedException",
  "UnauthorizedException",
  "MissingAuthenticationTokenException",
]);

const NETWORK_FAILURES = new Set(["ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "EHOSTUNREACH", "TimeoutError", "NetworkingError"]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function isThrottling(err: unknown): boolean {
  const e = (err ?? {}) as SdkError;
  return THROTTLING.has(e.name ?? "") || e.$metadata?.httpStatusCode === 429;
}

function oneLine(text: unknown): string {
  return redact(String(text ?? "").split("\n")[0]);
}

/** Turns an error thrown by an Athena API call into a StrataError with one redacted line. */
export function toAthenaApiError(err: unknown, operation: string): StrataError {
  if (err instanceof StrataError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? "";
  const message = oneLine(e.message ?? err);
  if (name === "CredentialsProviderError") {
    return new ConnectionError(`no AWS credentials found for Athena: ${message}. Provide them through the standard AWS chain (AWS_PROFILE or "profile", environment, SSO, instance/task role)`);
  }
  if (CREDENTIAL_FAILURES.has(name)) {
    return new ConnectionError(`Athena refused the credentials (${name}): ${message}. Credentials come from the standard AWS chain (AWS_PROFILE, environment, SSO, instance role)`);
  }
  if (NETWORK_FAILURES.has(name) || NETWORK_FAILURES.has(e.code ?? "")) {
    return new ConnectionError(`cannot reach Athena (${e.code ?? name}): ${message}`);
  }
  return new WarehouseError(`Athena ${operation} failed (${name || "error"}): ${message}`, name || undefined);
}

const CATEGORIES: Record<number, string> = { 1: "system error", 2: "user error", 3: "other error" };

/** The error for a query that ended FAILED: Athena's category, error code and message, and the query id. */
export function failedQueryError(execution: QueryExecution): WarehouseError {
  const status = execution.Status ?? {};
  const reason = oneLine(status.AthenaError?.ErrorMessage ?? status.StateChangeReason ?? "no reason given");
  const category = CATEGORIES[status.AthenaError?.ErrorCategory ?? 0] ?? "error";
  const code = /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/.exec(reason)?.[1];
  return new WarehouseError(`Athena query failed (${category}): ${reason} [query ${execution.QueryExecutionId}]`, code);
}

/** Concurrent writers to one Iceberg table: the losing commit fails and the statement can run again. */
export function isIcebergCommitConflict(err: unknown): boolean {
  return err instanceof WarehouseError && (err.code === "ICEBERG_COMMIT_ERROR" || /ICEBERG_COMMIT_ERROR/.test(err.message));
}
