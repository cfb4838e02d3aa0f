// Config `assertions {uniqueKey, uniqueKeys, nonNull, rowConditions}` → assertion actions, with
// Dataform v3's names and SQL: `<schema>_<name>_assertions_uniqueKey_<i>` (one per key) and
// `<schema>_<name>_assertions_rowConditions` (row conditions plus `col IS NOT NULL` per nonNull).
import type { ActionRecord } from "./action-record";
import { newRecord } from "./action-record";

export function generateInlineAssertions(parent: ActionRecord, namePrefix: string | undefined): ActionRecord[] {
  const spec = parent.inlineAssertions;
  if (!spec || !parent.target) return [];
  const prefix = namePrefix ? `${namePrefix}_` : "";
  const base = `${prefix}${parent.target.schema}_${parent.target.name}_assertions`;
  const out: ActionRecord[] = [];
  const make = (name: string): ActionRecord => {
    const r = newRecord("assertion", name, parent.file, parent.location);
    r.parent = parent;
    r.tags = [...parent.tags];
    r.disabled = parent.disabled;
    r.strata = { layer: parent.strata.layer, location: parent.strata.location, sourceFile: parent.strata.sourceFile };
    out.push(r);
    return r;
  };
  const keys = spec.uniqueKey?.length ? [spec.uniqueKey] : (spec.uniqueKeys ?? []);
  keys.forEach((columns, i) => {
    make(`${base}_uniqueKey_${i}`).inlineAssertion = { kind: "uniqueKey", columns };
  });
  const conditions = [...(spec.rowConditions ?? []), ...(spec.nonNull ?? []).map((c) => `${c} IS NOT NULL`)];
  if (conditions.length > 0) make(`${base}_rowConditions`).inlineAssertion = { kind: "rowConditions", conditions };
  return out;
}
