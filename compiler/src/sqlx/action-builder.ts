// The fluent object returned by publish/declare/assert/operate/test in .js files, with Dataform's
// method names. Each method records into the action record; type checks happen once all files are loaded.
import type { ActionRecord, Contextable } from "./action-record";
import { toResolvable } from "./apply-config";
import type { ActionType } from "./config-keys";
import type { Session } from "./session";

export class ActionBuilder {
  constructor(
    private readonly session: Session,
    private readonly record: ActionRecord,
  ) {}

  private get actionType(): ActionType {
    const r = this.record;
    if (r.kind === "table") return r.tableType ?? "view";
    return r.kind === "operation" ? "operations" : r.kind;
  }

  config(config: Record<string, unknown>): this {
    const c = { ...config };
    if (this.record.kind === "table" && typeof c.type === "string") this.type(c.type);
    this.session.applyConfig(this.record, this.actionType, c);
    if (this.record.kind === "test" && c.dataset !== undefined) this.dataset(c.dataset);
    return this;
  }

  type(type: string): this {
    if (type === "table" || type === "view" || type === "incremental") this.record.tableType = type;
    else this.session.configProblem(this.record, `type() of a published dataset must be "table", "view" or "incremental", not "${type}"`, undefined, "error");
    return this;
  }

  query(query: Contextable<string>): this {
    this.record.query = query;
    return this;
  }

  queries(queries: Contextable<string | string[]>): this {
    this.record.queries = queries;
    return this;
  }

  where(where: Contextable<string>): this {
    this.record.keys.add("incremental_where");
    this.record.incrementalWhere = where;
    return this;
  }

  preOps(ops: Contextable<string | string[]>): this {
    this.record.keys.add("pre_operations");
    this.record.preOps.push(ops);
    return this;
  }

  postOps(ops: Contextable<string | string[]>): this {
    this.record.keys.add("post_operations");
    this.record.postOps.push(ops);
    return this;
  }

  dependencies(deps: unknown): this {
    return this.set("dependencies", deps);
  }

  tags(tags: string | string[]): this {
    return this.set("tags", tags);
  }

  description(description: string): this {
    return this.set("description", description);
  }

  columns(columns: Record<string, unknown>): this {
    return this.set("columns", columns);
  }

  disabled(disabled = true): this {
    return this.set("disabled", disabled);
  }

  protected(value = true): this {
    return this.set("protected", value);
  }

  materialized(value = true): this {
    return this.set("materialized", value);
  }

  hermetic(value = true): this {
    return this.set("hermetic", value);
  }

  hasOutput(value = true): this {
    return this.set("hasOutput", value);
  }

  uniqueKey(keys: string | string[]): this {
    return this.set("uniqueKey", keys);
  }

  schema(schema: string): this {
    return this.set("schema", schema);
  }

  database(database: string): this {
    return this.set("database", database);
  }

  assertions(assertions: Record<string, unknown>): this {
    return this.set("assertions", assertions);
  }

  setDependOnDependencyAssertions(value: boolean): this {
    return this.set("dependOnDependencyAssertions", value);
  }

  /** BigQuery options: accepted for compatibility, ignored. */
  bigquery(options: unknown): this {
    return this.set("bigquery", options);
  }

  // ---- tests ----

  dataset(dataset: unknown): this {
    const r = toResolvable(dataset);
    if (r) this.record.dataset = r;
    else this.session.configProblem(this.record, `dataset() needs the name of the model to test`, undefined, "error");
    return this;
  }

  input(refName: unknown, contextable: Contextable<string>): this {
    const resolvable = Array.isArray(refName) ? toResolvable(refName[0], refName.slice(1)) : toResolvable(refName);
    if (resolvable) this.record.inputs.push({ resolvable, contextable });
    return this;
  }

  expect(contextable: Contextable<string>): this {
    this.record.query = contextable;
    return this;
  }

  private set(key: string, value: unknown): this {
    this.session.applyConfig(this.record, this.actionType, { [key]: value });
    return this;
  }
}
