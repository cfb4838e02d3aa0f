// The loading phase: runs includes, .js definitions and transpiled .sqlx files in ONE vm context
// (a context per file would cost more than the files), against Strata's own implementation of
// Dataform's session API (sqlxAction, publish, declare, assert, operate, test). Actions are
// recorded with their contextables; SQL is rendered later, once every action is known.
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import type { CompilationError, ProjectConfig, SourceLocation } from "../graph/types";
import { type ActionKind, type ActionRecord, type Contextable, newRecord } from "./action-record";
import { applyConfig, toResolvable } from "./apply-config";
import { ACTION_TYPES, type ActionType, didYouMean } from "./config-keys";
import { ActionBuilder } from "./action-builder";
import { escapeRegExp, findConfigKey, findInSource, mapGeneratedLine, type SourceFile } from "./source-lines";

const MAX_ATTACHED_JS_SOURCE = 16 * 1024;

/** The object the transpiler's output passes to `dataform.sqlxAction`. */
interface SqlxActionDefinition {
  sqlxConfig: Record<string, unknown>;
  sqlStatementCount: number;
  sqlContextable: (ctx: unknown) => string[];
  incrementalWhereContextable?: (ctx: unknown) => string;
  preOperationsContextable?: (ctx: unknown) => string[];
  postOperationsContextable?: (ctx: unknown) => string[];
  inputContextables: { refName: string[]; contextable: (ctx: unknown) => string }[];
}

/** The file being evaluated, with what is needed to map its errors back to source lines. */
interface LoadingUnit {
  file: SourceFile;
  /** The transpiled JS, for .sqlx files. */
  generated?: string;
  layer?: string;
}

export class Session {
  readonly actions: ActionRecord[] = [];
  readonly errors: CompilationError[] = [];
  readonly warnings: CompilationError[] = [];
  private readonly context: vm.Context;
  private readonly includes = new Map<string, unknown>();
  private current?: LoadingUnit;
  private readonly projectRequire: NodeJS.Require;

  constructor(
    readonly projectDir: string,
    readonly projectConfig: ProjectConfig,
  ) {
    this.projectRequire = createRequire(path.join(path.resolve(projectDir), "package.json"));
    const api = this.dataformApi();
    this.context = vm.createContext({ ...api, dataform: api, session: api, console });
  }

  // ---- errors -------------------------------------------------------------------------------

  error(message: string, place: SourceLocation, actionName?: string): void {
    this.errors.push(compact({ message, fileName: place.file, line: place.line, column: place.column, actionName }));
  }

  warn(message: string, place: SourceLocation, actionName?: string): void {
    this.warnings.push(compact({ message, fileName: place.file, line: place.line, column: place.column, actionName }));
  }

  /** A config problem, placed at the key when the key can be found in the file. */
  configProblem(record: ActionRecord, message: string, key: string | undefined, severity: "error" | "warn"): void {
    const at = key ? findConfigKey(record.file.text, key, record.location.line ?? 1) : undefined;
    const place = { file: record.file.path, line: at?.line ?? record.location.line, column: at?.column ?? record.location.column };
    if (severity === "error") this.error(message, place, record.name);
    else this.warn(message, place, record.name);
  }

  /** Turns an exception from user JS into an error at its file:line. */
  exception(err: unknown, unit: LoadingUnit | undefined, fallback: SourceLocation, actionName?: string): void {
    const e = err as Error;
    const text = e instanceof Error || (e && typeof e === "object" && "message" in e) ? `${e.name ?? "Error"}: ${e.message}` : String(err);
    const place = unit ? placeOfException(e, unit) : undefined;
    this.error(text.split("\n")[0], place ?? fallback, actionName);
  }

  // ---- loading ------------------------------------------------------------------------------

  loadInclude(file: SourceFile): void {
    const module = this.runCommonJs({ file });
    if (!module) return;
    const name = path.posix.basename(file.path, ".js");
    this.includes.set(file.path, module.exports);
    this.context[name] = module.exports;
  }

  loadJs(file: SourceFile, layer?: string): void {
    this.runCommonJs({ file, layer });
  }

  /** Runs a .js file as a CommonJS module (module, exports, require, __filename, __dirname). */
  private runCommonJs(unit: LoadingUnit): { exports: unknown } | undefined {
    const { file } = unit;
    const fn = this.compile(unit, file.text, ["module", "exports", "require", "__filename", "__dirname"]);
    if (!fn) return undefined;
    const module = { exports: {} as unknown };
    this.run(unit, () => fn(module, module.exports, this.requireFor(file.path), file.path, path.posix.dirname(file.path)));
    return module;
  }

  loadSqlx(file: SourceFile, generated: string, layer?: string): void {
    file.generated = generated;
    const unit: LoadingUnit = { file, generated, layer };
    const fn = this.compile(unit, generated, []);
    if (fn) this.run(unit, () => fn());
  }

  /** A declaration that comes from outside definitions/ (a landing contract). */
  loadDeclaration(file: SourceFile, layer: string, line: number, config: Record<string, unknown>): void {
    this.current = { file, layer };
    try {
      const record = this.createRecord("declaration", String(config.name), { file: file.path, line });
      this.applyConfig(record, "declaration", config);
    } finally {
      this.current = undefined;
    }
  }

  private compile(unit: LoadingUnit, code: string, params: string[]): ((...args: unknown[]) => unknown) | undefined {
    try {
      return vm.compileFunction(code, params, { filename: unit.file.path, parsingContext: this.context }) as (...args: unknown[]) => unknown;
    } catch (err) {
      const e = err as Error;
      const place = placeOfSyntaxError(e, unit) ?? { file: unit.file.path, line: 1 };
      this.error(`syntax error: ${e.message}`, place);
      return undefined;
    }
  }

  private run(unit: LoadingUnit, body: () => void): void {
    this.current = unit;
    try {
      body();
    } catch (err) {
      this.exception(err, unit, { file: unit.file.path, line: 1 });
    } finally {
      this.current = undefined;
    }
  }

  private requireFor(fromFile: string): (spec: string) => unknown {
    return (spec: string) => {
      const candidates = spec.startsWith(".")
        ? [path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec))]
        : [path.posix.normalize(spec)];
      for (const c of candidates) {
        for (const p of [c, `${c}.js`]) if (this.includes.has(p)) return this.includes.get(p);
      }
      const resolved = spec.startsWith(".") ? path.resolve(this.projectDir, path.dirname(fromFile), spec) : spec;
      return this.projectRequire(resolved);
    };
  }

  // ---- the API seen by user code ---------------------------------------------------------------

  private dataformApi() {
    // `this` must not leak into user code as the Session itself, only these functions.
    const session = this;
    return {
      projectConfig: this.projectConfig,
      sqlxAction: (def: SqlxActionDefinition) => session.sqlxAction(def),
      publish: (name: string, queryOrConfig?: unknown) => session.publish(name, queryOrConfig),
      declare: (config: unknown) => session.declare(config),
      assert: (name: string, queryOrConfig?: unknown) => session.assert(name, queryOrConfig),
      operate: (name: string, queries?: unknown) => session.operate(name, queries),
      test: (name: string) => session.test(name),
    };
  }

  private unit(): LoadingUnit {
    if (!this.current) throw new Error("actions can only be defined while project files load");
    return this.current;
  }

  /** Adds a record for the current file. `location` defaults to the caller's line in that file. */
  createRecord(kind: ActionKind, name: string, location?: SourceLocation): ActionRecord {
    const unit = this.unit();
    const where = location ?? callerLocation(unit.file.path);
    const record = newRecord(kind, name, unit.file, where);
    if (unit.layer) record.strata.layer = unit.layer;
    record.strata.location = where;
    // A .js file may define hundreds of actions: copying a large file into each would make the
    // JSON graph grow with the square of the file, so big .js files are not attached.
    if (unit.generated !== undefined || unit.file.text.length <= MAX_ATTACHED_JS_SOURCE) record.strata.sourceFile = unit.file.text;
    this.actions.push(record);
    return record;
  }

  applyConfig(record: ActionRecord, type: ActionType, config: Record<string, unknown>): void {
    applyConfig(record, type, config, {
      error: (r, message, key) => this.configProblem(r, message, key, "error"),
      warn: (r, message, key) => this.configProblem(r, message, key, "warn"),
    });
  }

  private sqlxAction(def: SqlxActionDefinition): void {
    const unit = this.unit();
    const config = { ...def.sqlxConfig };
    const configAt = findInSource(unit.file.text, /^\s*config\s*\{/m);
    const location: SourceLocation = { file: unit.file.path, line: configAt?.line ?? 1, column: configAt ? 1 : undefined };
    const type = (config.type ?? "operations") as ActionType;
    const name = typeof config.name === "string" && config.name ? config.name : path.posix.basename(unit.file.path, ".sqlx");
    if (!ACTION_TYPES.includes(type)) {
      const at = findConfigKey(unit.file.text, "type") ?? location;
      this.error(`unknown action type "${String(config.type)}"${didYouMean(String(config.type), ACTION_TYPES)}`, { file: unit.file.path, line: at.line, column: at.column }, name);
      return;
    }
    const kind: ActionKind = type === "operations" ? "operation" : type === "table" || type === "view" || type === "incremental" ? "table" : type;
    const record = this.createRecord(kind, name, location);
    if (kind === "table") record.tableType = type as "table" | "view" | "incremental";
    this.applyConfig(record, type, config);
    record.statementCount = def.sqlStatementCount;
    if (kind === "operation") record.queries = (ctx) => def.sqlContextable(ctx);
    else if (kind !== "declaration") record.query = (ctx) => def.sqlContextable(ctx)[0];
    if (def.incrementalWhereContextable) {
      record.keys.add("incremental_where");
      record.incrementalWhere = def.incrementalWhereContextable;
    }
    if (def.preOperationsContextable) {
      record.keys.add("pre_operations");
      record.preOps.push(def.preOperationsContextable);
    }
    if (def.postOperationsContextable) {
      record.keys.add("post_operations");
      record.postOps.push(def.postOperationsContextable);
    }
    if (kind === "test") {
      const dataset = toResolvable(config.dataset);
      if (dataset) record.dataset = dataset;
      else this.configProblem(record, `a test needs config key "dataset" naming the model it tests`, "type", "error");
    }
    for (const input of def.inputContextables) {
      record.keys.add("input");
      const resolvable = toResolvable(input.refName[0], input.refName.slice(1));
      if (resolvable) record.inputs.push({ resolvable, contextable: input.contextable });
    }
  }

  private publish(name: string, queryOrConfig?: unknown): ActionBuilder {
    const record = this.createRecord("table", String(name));
    record.tableType = "view";
    return queryOrConfigured(new ActionBuilder(this, record), queryOrConfig);
  }

  private declare(config: unknown): ActionBuilder {
    const c = (config && typeof config === "object" ? config : {}) as Record<string, unknown>;
    const record = this.createRecord("declaration", typeof c.name === "string" ? c.name : "");
    const builder = new ActionBuilder(this, record);
    builder.config(c);
    if (!record.name) this.configProblem(record, `declare() needs a "name"`, undefined, "error");
    return builder;
  }

  private assert(name: string, queryOrConfig?: unknown): ActionBuilder {
    const record = this.createRecord("assertion", String(name));
    return queryOrConfigured(new ActionBuilder(this, record), queryOrConfig);
  }

  private operate(name: string, queries?: unknown): ActionBuilder {
    const record = this.createRecord("operation", String(name));
    const builder = new ActionBuilder(this, record);
    // Dataform v3 takes a config object here; v2 took the queries. Both are accepted.
    if (queries && typeof queries === "object" && !Array.isArray(queries)) builder.config(queries as Record<string, unknown>);
    else if (queries !== undefined) builder.queries(queries as Contextable<string | string[]>);
    return builder;
  }

  private test(name: string): ActionBuilder {
    const record = this.createRecord("test", String(name));
    return new ActionBuilder(this, record);
  }
}

/** publish()/assert(): the second argument is the query (text or function) or a config object. */
function queryOrConfigured(builder: ActionBuilder, queryOrConfig: unknown): ActionBuilder {
  if (typeof queryOrConfig === "string" || typeof queryOrConfig === "function") builder.query(queryOrConfig as Contextable<string>);
  else if (queryOrConfig && typeof queryOrConfig === "object") builder.config(queryOrConfig as Record<string, unknown>);
  return builder;
}

function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** The line of the user's call (publish/assert/...) in the file being loaded. */
function callerLocation(file: string): SourceLocation {
  const frame = framesIn(new Error().stack ?? "", file)[0];
  return frame ? { file, line: frame.line, column: frame.column } : { file, line: 1 };
}

function framesIn(stack: string, file: string): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  const needle = `${file}:`;
  for (const line of stack.split("\n")) {
    const at = line.lastIndexOf(needle);
    if (at === -1) continue;
    const m = /^(\d+):(\d+)/.exec(line.slice(at + needle.length));
    if (m) out.push({ line: Number(m[1]), column: Number(m[2]) });
  }
  return out;
}

function placeOfException(e: Error, unit: LoadingUnit): SourceLocation | undefined {
  const frame = e && typeof e.stack === "string" ? framesIn(e.stack, unit.file.path)[0] : undefined;
  if (!frame) return undefined;
  if (!unit.generated) return { file: unit.file.path, line: frame.line, column: frame.column };
  const mapped = mapGeneratedLine(unit.file.text, unit.generated, frame.line, frame.column);
  return { file: unit.file.path, line: mapped.line, column: mapped.column };
}

/** V8 puts a syntax error's place at the start of its stack: "file:LINE\n<code>\n   ^^^". */
function placeOfSyntaxError(e: Error, unit: LoadingUnit): SourceLocation | undefined {
  const stack = e.stack ?? "";
  const m = new RegExp(`^${escapeRegExp(unit.file.path)}:(\\d+)`).exec(stack);
  if (!m) return undefined;
  const line = Number(m[1]);
  const lines = stack.split("\n");
  const caret = lines[2]?.indexOf("^");
  const column = caret !== undefined && caret >= 0 ? caret + 1 : undefined;
  if (!unit.generated) return { file: unit.file.path, line, column };
  const mapped = mapGeneratedLine(unit.file.text, unit.generated, line, column);
  return { file: unit.file.path, line: mapped.line, column: mapped.column };
}

/** For the render phase: the place of an exception thrown by a contextable of this record. */
export function exceptionPlace(err: unknown, record: ActionRecord): SourceLocation | undefined {
  return placeOfException(err as Error, { file: record.file, generated: record.file.generated });
}
