// Athena's list price for SQL queries: $5 per TB scanned, each query billed by the megabyte
// rounded up with a 10 MB minimum. DDL and failed queries are free; cancelled ones are billed
// for what they scanned. Regional prices and capacity reservations differ: this is an estimate.
export const USD_PER_TB = 5;
const MB = 1024 * 1024;
const TB = 1024 ** 4;
const MINIMUM_BYTES = 10 * MB;

/** Estimated cost in USD of one query that scanned `bytesScanned` bytes. */
export function estimateQueryCostUsd(bytesScanned: number): number {
  const billed = Math.max(MINIMUM_BYTES, Math.ceil(bytesScanned / MB) * MB);
  return (billed / TB) * USD_PER_TB;
}

/** Estimated cost in USD of a run: one entry per billable query (DML that ran), bytes scanned each. */
export function estimateAthenaCostUsd(bytesPerQuery: number[]): number {
  return bytesPerQuery.reduce((sum, bytes) => sum + estimateQueryCostUsd(bytes), 0);
}

/** "$0.0012", for the run summary. */
export function formatUsd(amount: number): string {
  return amount >= 0.01 ? `$${amount.toFixed(2)}` : `$${amount.toPrecision(2)}`;
}
