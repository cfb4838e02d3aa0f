// The definition hash Strata stores on what it builds (a materialized view's comment), so a later
// run can tell "same definition: refresh" from "changed: rebuild" without comparing SQL text that
// PostgreSQL has normalised.
import crypto from "node:crypto";

/** 16 hex digits of sha256 over a stable JSON form of `definition`. */
export function definitionHash(definition: unknown): string {
  return crypto.createHash("sha256").update(stableJson(definition)).digest("hex").slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
