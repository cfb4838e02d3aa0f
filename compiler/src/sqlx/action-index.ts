// Name resolution for ref()/resolve()/dependencies, with Dataform's rules: a bare name matches any
// action of that name (ambiguous if several schemas have one); schema and database narrow it.
// Schemas match with or without the project's schemaSuffix, so `ref("landing", "x")` keeps working
// in a suffixed dev environment.
import type { Target } from "../graph/types";
import { type ActionRecord, type Resolvable, describeResolvable } from "./action-record";
import { closest } from "./config-keys";

export type Resolution =
  | { kind: "found"; record: ActionRecord }
  | { kind: "missing"; suggestion?: string }
  | { kind: "ambiguous"; candidates: ActionRecord[] };

export class ActionIndex {
  private readonly byName = new Map<string, ActionRecord[]>();

  constructor(records: ActionRecord[]) {
    for (const r of records) {
      if (!r.target || r.kind === "test") continue;
      for (const name of new Set([r.target.name, r.canonicalTarget!.name])) {
        const list = this.byName.get(name);
        if (list) list.push(r);
        else this.byName.set(name, [r]);
      }
    }
  }

  resolve(resolvable: Resolvable): Resolution {
    const want = typeof resolvable === "string" ? { name: resolvable } : resolvable;
    const candidates = (this.byName.get(want.name) ?? []).filter(
      (r) =>
        (want.schema === undefined || r.target!.schema === want.schema || r.canonicalTarget!.schema === want.schema) &&
        (want.database === undefined || r.target!.database === want.database || r.canonicalTarget!.database === want.database),
    );
    const unique = [...new Set(candidates)];
    if (unique.length === 1) return { kind: "found", record: unique[0] };
    if (unique.length > 1) return { kind: "ambiguous", candidates: unique };
    return { kind: "missing", suggestion: this.suggest(want) };
  }

  private suggest(want: { name: string; schema?: string }): string | undefined {
    if (want.schema !== undefined && this.byName.has(want.name)) {
      const t = this.byName.get(want.name)![0].canonicalTarget!;
      return `${t.schema}.${t.name}`;
    }
    return closest(want.name, this.byName.keys());
  }
}

/** `call` is "ref", "resolve" or "dependency". */
export function resolutionMessage(call: string, resolvable: Resolvable, res: Exclude<Resolution, { kind: "found" }>): string {
  const shown = call === "dependency" ? `dependency "${describeResolvable(resolvable)}"` : `${call}("${describeResolvable(resolvable)}")`;
  if (call === "dependency") call = "ref";
  if (res.kind === "ambiguous") {
    const names = res.candidates.map((c) => targetText(c.target!)).join(", ");
    return `${shown} is ambiguous: it matches ${names}; name the schema, e.g. ${call}("${res.candidates[0].canonicalTarget!.schema}", "${res.candidates[0].canonicalTarget!.name}")`;
  }
  return `${shown} does not match any action${res.suggestion ? ` (did you mean "${res.suggestion}"?)` : ""}`;
}

export function targetText(t: Target): string {
  return [t.database, t.schema, t.name].filter(Boolean).join(".");
}
