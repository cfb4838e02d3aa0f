// The bad-input corpus: one row per mistake a user can make. Each is run through the built CLI and
// must print exactly `stderr` (one line, no stack trace), exit with `code`, and change nothing in
// the warehouse. `{dir}` stands for the project directory, `{db}` for the test's database URL.

export interface BadInputCase {
  name: string;
  /** Files written over the base project (a null value deletes the file). */
  files?: Record<string, string | null>;
  /** CLI arguments after the command; `{dir}` is the project. Default: ["run", "{dir}"]. */
  args?: string[];
  env?: Record<string, string>;
  code: number;
  /** The whole of stderr (trimmed). */
  stderr: string;
  /** A line stdout must contain (landing files are quarantined with a reason on stdout). */
  stdoutLine?: string;
  /** Schemas the command may legitimately write (the load manifest records a quarantine). */
  mayWrite?: string[];
}

const sqlx = (text: string) => ({ "definitions/c.sqlx": text });
const dataformJson = (json: string) => ({ "dataform.json": json });
const targets = (pgTarget: string) => ({ "targets.yaml": `default: pg\ntargets:\n  pg: ${pgTarget}\n` });
const contract = (yaml: string) => ({ "landing/src1/contract.yaml": yaml });
const load = ["load", "{dir}"];
const landingFile = (csv: string) => ({
  "landing/src1/contract.yaml": 'source: src1\ntable: landing.src1\nformat: csv\nfiles: "*.csv"\ncolumns:\n  - { name: id, type: integer, required: true }\n  - { name: day, type: date }\n',
  "landing/src1/a.csv": csv,
});

export const badInputCases: BadInputCase[] = [
  // SQLX
  { name: "trailing semicolon", files: sqlx('config { type: "table" }\nselect 1 as id;\n'), code: 2, stderr: 'error: definitions/c.sqlx:2:15: a SQL statement must not end with ";" (as in Dataform); remove it' },
  { name: "unknown config key", files: sqlx('config { type: "table", tagz: ["x"] }\nselect 1 as id\n'), code: 2, stderr: 'error: definitions/c.sqlx:1:25: unknown config key "tagz" (did you mean "tags"?)' },
  { name: "ref to a missing action", files: sqlx('config { type: "table" }\nselect * from ${ref("nope")}\n'), code: 2, stderr: 'error: definitions/c.sqlx:2:17: ref("nope") does not match any action' },
  { name: "unknown action type", files: sqlx('config { type: "tabel" }\nselect 1\n'), code: 2, stderr: 'error: definitions/c.sqlx:1:10: unknown action type "tabel" (did you mean "table"?)' },
  { name: "unclosed config block", files: sqlx('config { type: "table" \nselect 1\n'), code: 2, stderr: "error: definitions/c.sqlx:2:1: syntax error: Unexpected identifier 'select'" },
  { name: "js block syntax error", files: sqlx('js { const x = ; }\nconfig { type: "table" }\nselect 1\n'), code: 2, stderr: "error: definitions/c.sqlx:1:16: syntax error: Unexpected token ';'" },
  { name: "unclosed placeholder", files: sqlx('config { type: "table" }\nselect ${ unclosed \n'), code: 2, stderr: "error: definitions/c.sqlx:1: syntax error: Unexpected end of input" },
  { name: "dependencies of the wrong type", files: sqlx('config { type: "table", dependencies: 5 }\nselect 1\n'), code: 2, stderr: 'error: definitions/c.sqlx:1:25: config key "dependencies" must be a name, a list of names, or {schema, name} objects' },
  { name: "unknown assertion key", files: sqlx('config { type: "table", assertions: { uniqueKeyz: ["id"] } }\nselect 1 as id\n'), code: 2, stderr: 'error: definitions/c.sqlx:1:39: unknown key "uniqueKeyz" in assertions (did you mean "uniqueKey"?)' },
  { name: "undefined name in a placeholder", files: sqlx('config { type: "table" }\nselect ${undefinedThing.x} as id\n'), code: 2, stderr: "error: definitions/c.sqlx:2:10: ReferenceError: undefinedThing is not defined" },
  { name: "bad assertion severity", files: sqlx('config { type: "assertion", severity: "fatal" }\nselect 1\n'), code: 2, stderr: 'error: definitions/c.sqlx:1:29: config key "severity" must be "error" or "warn"' },
  { name: "uniqueKey on a table", files: sqlx('config { type: "table", uniqueKey: ["id"] }\nselect 1 as id\n'), code: 2, stderr: 'error: definitions/c.sqlx:1:25: "uniqueKey" applies only to incremental models and materialized views; this is a table' },
  { name: "bad onSchemaChange", files: sqlx('config { type: "incremental", onSchemaChange: "explode" }\nselect 1 as id\n'), code: 2, stderr: 'error: definitions/c.sqlx:1:31: config key "onSchemaChange" must be one of "fail", "extend", "ignore", "sync"' },
  { name: "materialized not a boolean", files: sqlx('config { type: "view", materialized: "yes" }\nselect 1 as id\n'), code: 2, stderr: 'error: definitions/c.sqlx:1:24: config key "materialized" must be true or false' },
  {
    name: "dependency cycle",
    files: { "definitions/c.sqlx": 'config { type: "view" }\nselect * from ${ref("d")}\n', "definitions/d.sqlx": 'config { type: "view" }\nselect * from ${ref("c")}\n' },
    code: 2,
    stderr: "error: definitions/c.sqlx:1:1: circular dependency: {schema}.c → {schema}.d → {schema}.c",
  },
  { name: "duplicate action name", files: { "definitions/sub/b.sqlx": 'config { type: "table" }\nselect 2 as id\n' }, code: 2, stderr: 'error: definitions/sub/b.sqlx:1:1: duplicate action "{schema}.b": also defined at definitions/b.sqlx:1; names must be unique within a schema' },

  // dataform.json / workflow_settings.yaml
  { name: "dataform.json invalid JSON", files: dataformJson('{ "warehouse": "postgres", "defaultSchema": "x" '), code: 2, stderr: "error: dataform.json:1:49: invalid JSON: Expected ',' or '}' after property value" },
  { name: "dataform.json not an object", files: dataformJson("[1,2]"), code: 2, stderr: "error: dataform.json:1: dataform.json must contain a JSON object" },
  { name: "dataform.json unknown warehouse", files: dataformJson('{ "warehouse": "bigquery" }'), code: 2, stderr: 'error: dataform.json: "warehouse" is "bigquery"; Strata supports "postgres" (also PGlite, Aurora) and "athena"' },
  { name: "concurrentQueryLimit not a number", files: dataformJson('{ "defaultSchema": "x", "concurrentQueryLimit": "many" }'), code: 2, stderr: 'error: dataform.json: "concurrentQueryLimit" must be a positive integer' },
  { name: "defaultSchema not a string", files: dataformJson('{ "defaultSchema": 5 }'), code: 2, stderr: 'error: dataform.json: "defaultSchema" must be a string' },
  { name: "vars not a map", files: dataformJson('{ "defaultSchema": "x", "vars": [1] }'), code: 2, stderr: 'error: dataform.json: "vars" must be a map of names to strings' },
  { name: "bad defaultAssertionSeverity", files: dataformJson('{ "defaultSchema": "x", "defaultAssertionSeverity": "fatal" }'), code: 2, stderr: 'error: dataform.json: "defaultAssertionSeverity" must be "error" or "warn"' },
  { name: "access: unknown role key", files: dataformJson('{ "defaultSchema": "x", "access": { "roles": { "bi_reader": { "reed": ["marts"] } } } }'), code: 2, stderr: 'error: dataform.json: access: unknown key "reed" in role "bi_reader" (expected read, write, tables, except)' },
  { name: "access: reserved role", files: dataformJson('{ "defaultSchema": "x", "access": { "roles": { "postgres": { "read": ["marts"] } } } }'), code: 2, stderr: 'error: dataform.json: access: role "postgres" is reserved and cannot be managed' },
  { name: "both dataform.json and workflow_settings.yaml", files: { "workflow_settings.yaml": "defaultDataset: x\n" }, code: 2, stderr: "error: workflow_settings.yaml: dataform.json and workflow_settings.yaml cannot both be present (Dataform rule); keep one" },
  { name: "workflow_settings.yaml invalid YAML", files: { "dataform.json": null, "workflow_settings.yaml": "defaultDataset: [x\n" }, code: 2, stderr: "error: workflow_settings.yaml:2:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]" },
  { name: "workflow_settings.yaml not a map", files: { "dataform.json": null, "workflow_settings.yaml": "- a\n- b\n" }, code: 2, stderr: "error: workflow_settings.yaml:1: workflow_settings.yaml must be a map of settings" },
  { name: "workflow_settings.yaml bad concurrentQueryLimit", files: { "dataform.json": null, "workflow_settings.yaml": "defaultDataset: x\nconcurrentQueryLimit: 0\n" }, code: 2, stderr: 'error: workflow_settings.yaml: "concurrentQueryLimit" must be a positive integer' },
  { name: "no project config at all", files: { "dataform.json": null }, code: 2, stderr: "error: {dir} is not a Strata project: it has neither dataform.json nor workflow_settings.yaml" },

  // targets.yaml and connection settings
  { name: "targets.yaml invalid YAML", files: { "targets.yaml": 'default: pg\ntargets:\n  pg: { adapter: postgres, url: "x" \n' }, code: 2, stderr: "error: targets.yaml:4:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }" },
  { name: "unknown --target", args: ["run", "{dir}", "--target", "nope"], code: 2, stderr: "error: targets.yaml: unknown target \"nope\" (targets.yaml defines: pg, local)" },
  { name: "unknown adapter", files: targets("{ adapter: mysql }"), code: 2, stderr: 'error: targets.yaml: target "pg" has adapter "mysql"; expected one of pglite, postgres, athena' },
  { name: "environment variable not set", files: targets('{ adapter: postgres, url: "${env:H9_NOT_SET_ANYWHERE}" }'), code: 2, stderr: 'error: targets.yaml: target "pg" needs environment variable H9_NOT_SET_ANYWHERE, which is not set' },
  { name: "targets is a list", files: { "targets.yaml": "default: pg\ntargets: [1]\n" }, code: 2, stderr: 'error: targets.yaml: "targets" must be a map of target names to settings' },
  { name: "bad ssl value", files: targets('{ adapter: postgres, url: "{db}", ssl: maybe }'), code: 2, stderr: 'error: {dir}/targets.yaml: target "pg": ssl must be one of disable, require, verify-ca, verify-full, true, false; got "maybe"' },
  { name: "port not a number", files: targets("{ adapter: postgres, host: 127.0.0.1, port: abc }"), code: 2, stderr: 'error: {dir}/targets.yaml: target "pg": port must be a non-negative number, got "abc"' },
  { name: "url not a URL", files: targets('{ adapter: postgres, url: "not a url" }'), code: 2, stderr: 'error: {dir}/targets.yaml: target "pg": url is not a valid postgres:// URL' },
  { name: "closed port", files: targets('{ adapter: postgres, url: "postgres://postgres@127.0.0.1:{closedPort}/test" }'), code: 3, stderr: 'error: cannot connect to postgres target "pg" at 127.0.0.1:{closedPort}: connection refused (is the server running and listening on that port?)' },
  { name: "unknown database", files: targets('{ adapter: postgres, url: "postgres://postgres@127.0.0.1:5432/h9_no_such_db" }'), code: 3, stderr: 'error: cannot connect to postgres target "pg" at 127.0.0.1:5432: database "h9_no_such_db" does not exist', },
  { name: "unknown role", files: targets('{ adapter: postgres, url: "postgres://h9_no_such_role@127.0.0.1:5432/test" }'), code: 3, stderr: 'error: cannot connect to postgres target "pg" at 127.0.0.1:5432: role "h9_no_such_role" does not exist' },
  { name: "TLS required by a server without TLS", files: targets('{ adapter: postgres, url: "{db}", ssl: require }'), code: 3, stderr: 'error: cannot connect to postgres target "pg" at 127.0.0.1:5432: the server does not support SSL (set ssl: disable in targets.yaml)' },

  // command-line flags and vars
  { name: "unknown option", args: ["run", "{dir}", "--frobnicate"], code: 2, stderr: "error: unknown option '--frobnicate'\n(run with --help for usage)" },
  { name: "unknown command", args: ["frobnicate"], code: 2, stderr: "error: unknown command 'frobnicate'\n(run with --help for usage)" },
  { name: "--concurrency 0", args: ["run", "{dir}", "--concurrency", "0"], code: 2, stderr: 'error: --concurrency expects a whole number of at least 1; got "0"' },
  { name: "--concurrency not a number", args: ["run", "{dir}", "--concurrency", "abc"], code: 2, stderr: 'error: --concurrency expects a whole number of at least 1; got "abc"' },
  { name: "--actions matching nothing", args: ["run", "{dir}", "--actions", "nope"], code: 2, stderr: "error: no action matches the selection (nope)" },
  { name: "--tags matching nothing", args: ["run", "{dir}", "--tags", "nope"], code: 2, stderr: "error: no action matches the selection (tag nope)" },
  { name: "--vars without =", args: ["run", "{dir}", "--vars", "novalue"], code: 2, stderr: 'error: --vars expects key=value pairs separated by commas; got "novalue"' },
  { name: "--vars with an empty name", args: ["run", "{dir}", "--vars", "=x"], code: 2, stderr: 'error: --vars expects key=value pairs separated by commas; got "=x"' },
  { name: "project directory missing", args: ["run", "{dir}/nope"], code: 2, stderr: "error: project directory {dir}/nope does not exist" },

  // contracts (strata load)
  { name: "contract without table", files: contract("source: src1\nformat: csv\ncolumns:\n  - { name: id, type: integer }\n"), args: load, code: 2, stderr: 'error: landing/src1/contract.yaml:1:1: a contract needs "table: <schema>.<name>" naming its landing table (e.g. landing.src1)' },
  { name: "contract unknown column type", files: contract("source: src1\ntable: landing.src1\nformat: csv\ncolumns:\n  - { name: id, type: intgr }\n"), args: load, code: 2, stderr: 'error: landing/src1/contract.yaml:5:23: column "id" has unknown type "intgr" (did you mean "integer"?); types: text, integer, bigint, numeric, boolean, date, timestamp' },
  { name: "contract invalid YAML", files: contract("source: src1\ntable: landing.src1\nformat: csv\ncolumns: [\n"), args: load, code: 2, stderr: "error: landing/src1/contract.yaml:5:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]" },
  { name: "contract unknown column key", files: contract("source: src1\ntable: landing.src1\nformat: csv\ncolumns:\n  - { name: id, type: integer, colour: red }\n"), args: load, code: 2, stderr: 'error: landing/src1/contract.yaml:5:32: unknown key "colour" in column' },
  { name: "contract unknown format", files: contract("source: src1\ntable: landing.src1\nformat: xls\ncolumns:\n  - { name: id, type: integer }\n"), args: load, code: 2, stderr: 'error: landing/src1/contract.yaml:3:9: format "xls" is not one of csv, json, ndjson' },

  // landing files: quarantined with a reason, nothing half-loaded (only the manifest records it)
  { name: "landing file: not an integer", files: landingFile("id,day\n1,2024-01-01\nabc,2024-01-02\n"), args: load, code: 1, stderr: "", stdoutLine: 'quarantined landing/src1/a.csv: a.csv row 2, column "id": "abc" is not an integer', mayWrite: ["strata_meta"] },
  { name: "landing file: unexpected column", files: landingFile("id,day,extra\n1,2024-01-01,x\n"), args: load, code: 1, stderr: "", stdoutLine: 'quarantined landing/src1/a.csv: a.csv header: unexpected column "extra"', mayWrite: ["strata_meta"] },
  { name: "landing file: bad date", files: landingFile("id,day\n1,2024-13-45\n"), args: load, code: 1, stderr: "", stdoutLine: "quarantined landing/src1/a.csv", mayWrite: ["strata_meta"] },
  { name: "landing file: required value missing", files: landingFile("id,day\n,2024-01-01\n"), args: load, code: 1, stderr: "", stdoutLine: "quarantined landing/src1/a.csv", mayWrite: ["strata_meta"] },
];
