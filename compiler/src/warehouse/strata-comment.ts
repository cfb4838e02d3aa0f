// Strata's marker in a relation's comment: the hash of the definition it was built from, so a
// later run can tell whether a materialized view must be rebuilt. The marker sits on its own line
// after the user's description: "<description>\nstrata:hash=<hex>".
const MARKER = /(?:^|\n)strata:hash=([0-9a-f]+)\s*$/;

/** The hash Strata stored in this comment, if any. */
export function parseStrataHash(comment: string | null | undefined): string | undefined {
  return comment ? MARKER.exec(comment)?.[1] : undefined;
}

/** The comment to store: the description (if any) followed by the marker line. */
export function formatStrataHash(hash: string, description?: string): string {
  if (!/^[0-9a-f]+$/.test(hash)) throw new Error(`definition hash must be lowercase hex, got "${hash}"`);
  const text = stripStrataHash(description ?? "");
  return text ? `${text}\nstrata:hash=${hash}` : `strata:hash=${hash}`;
}

/** The user's description without Strata's marker. */
export function stripStrataHash(comment: string | null | undefined): string {
  return (comment ?? "").replace(MARKER, "");
}
