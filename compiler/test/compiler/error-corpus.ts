// Malformed projects, each with the one error line `strata compile` must print for it.
// `expected` is the first line on stderr; every case exits 2.
export interface MalformedProject {
  name: string;
  files: Record<string, string>;
  expected: string;
}

const view = (body: string, config = `config { type: "view" }`) => `${config}\n${body}\n`;

export const corpus: MalformedProject[] = [
  {
    name: "missing ref, with the closest name",
    files: {
      "definitions/stg_customers.sqlx": view("select 1 as id"),
      "definitions/marts.sqlx": view(`select *\nfrom \${ref("stg_custmers")}`),
    },
    expected: "definitions/marts.sqlx:3:8: ref(\"stg_custmers\") does not match any action (did you mean \"stg_customers\"?)",
  },
  {
    name: "ambiguous ref",
    files: {
      "definitions/a/orders.sqlx": view("select 1", `config { type: "view", schema: "a" }`),
      "definitions/b/orders.sqlx": view("select 1", `config { type: "view", schema: "b" }`),
      "definitions/report.sqlx": view(`select * from \${ref("orders")}`),
    },
    expected: "definitions/report.sqlx:2:17: ref(\"orders\") is ambiguous: it matches a.orders, b.orders; name the schema, e.g. ref(\"a\", \"orders\")",
  },
  {
    name: "dependency cycle",
    files: {
      "definitions/a.sqlx": view(`select * from \${ref("b")}`),
      "definitions/b.sqlx": view(`select * from \${ref("c")}`),
      "definitions/c.sqlx": view(`select * from \${ref("a")}`),
    },
    expected: "definitions/a.sqlx:1:1: circular dependency: analytics.a → analytics.b → analytics.c → analytics.a",
  },
  {
    name: "duplicate target",
    files: {
      "definitions/one/orders.sqlx": view("select 1"),
      "definitions/two/orders.sqlx": view("select 2"),
    },
    expected: "definitions/two/orders.sqlx:1:1: duplicate action \"analytics.orders\": also defined at definitions/one/orders.sqlx:1; names must be unique within a schema",
  },
  {
    name: "unknown config key",
    files: { "definitions/a.sqlx": `config {\n  type: "table",\n  tag: ["daily"]\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:3:3: unknown config key \"tag\" (did you mean \"tags\"?)",
  },
  {
    name: "protected on a view",
    files: { "definitions/a.sqlx": `config {\n  type: "view",\n  protected: true\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:3:3: \"protected\" applies only to incremental models; this is a view",
  },
  {
    name: "uniqueKey on a table",
    files: { "definitions/a.sqlx": `config { type: "table", uniqueKey: ["id"] }\nselect 1 as id\n` },
    expected: "definitions/a.sqlx:1:25: \"uniqueKey\" applies only to incremental models and materialized views; this is a table",
  },
  {
    name: "materialized on a table",
    files: { "definitions/a.sqlx": `config { type: "table",\n  materialized: true }\nselect 1\n` },
    expected: "definitions/a.sqlx:2:3: \"materialized\" applies only to views; this is a table",
  },
  {
    name: "SQLX syntax error in the config block",
    files: { "definitions/a.sqlx": `config {\n  type: "table",\n  tags: ["a" "b"]\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:3:14: syntax error: Unexpected string",
  },
  {
    name: "exception in a js block",
    files: { "definitions/a.sqlx": `config { type: "view" }\njs {\n  const cols = undefinedHelper();\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:3:16: ReferenceError: undefinedHelper is not defined",
  },
  {
    name: "exception in an include",
    files: {
      "includes/util.js": `const a = 1;\nthrow new Error("util is broken");\n`,
      "definitions/a.sqlx": view("select 1"),
    },
    expected: "includes/util.js:2:7: Error: util is broken",
  },
  {
    name: "syntax error in an include",
    files: {
      "includes/util.js": `function f( {\n  return 1;\n}\nmodule.exports = { f };\n`,
      "definitions/a.sqlx": view("select 1"),
    },
    expected: "includes/util.js:2:10: syntax error: Unexpected number",
  },
  {
    name: "trailing semicolon",
    files: { "definitions/a.sqlx": `config { type: "table" }\nselect 1\nfrom x;\n` },
    expected: "definitions/a.sqlx:3:7: a SQL statement must not end with \";\" (as in Dataform); remove it",
  },
  {
    name: "several statements in a table",
    files: { "definitions/a.sqlx": `config { type: "table" }\nselect 1\n---\nselect 2\n` },
    expected: "definitions/a.sqlx:3: only operations may hold several statements separated by \"---\"; this is a table",
  },
  {
    name: "unknown action type",
    files: { "definitions/a.sqlx": `config {\n  type: "tabel"\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:2:3: unknown action type \"tabel\" (did you mean \"table\"?)",
  },
  {
    name: "Strata key on the wrong type",
    files: { "definitions/a.sqlx": `config {\n  type: "table",\n  severity: "warn"\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:3:3: config key \"severity\" is not valid on a table; it applies to: assertion",
  },
  {
    name: "invalid severity value",
    files: { "definitions/a.sqlx": `config {\n  type: "assertion",\n  severity: "fatal"\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:3:3: config key \"severity\" must be \"error\" or \"warn\"",
  },
  {
    name: "onSchemaChange on a view",
    files: { "definitions/a.sqlx": `config {\n  type: "view",\n  onSchemaChange: "extend"\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:3:3: \"onSchemaChange\" applies only to incremental models; this is a view",
  },
  {
    name: "assertions.newRowsOnly on a table",
    files: { "definitions/a.sqlx": `config {\n  type: "table",\n  assertions: { nonNull: ["x"], newRowsOnly: true }\n}\nselect 1 as x\n` },
    expected: "definitions/a.sqlx:3:3: \"assertions.newRowsOnly\" applies only to incremental models; this is a table",
  },
  {
    name: "postgres.fillfactor out of range",
    files: { "definitions/a.sqlx": `config {\n  type: "table",\n  postgres: { fillfactor: 5 }\n}\nselect 1 as x\n` },
    expected: "definitions/a.sqlx:3:3: config key \"postgres\" must be {fillfactor: a whole number from 10 to 100}",
  },
  {
    name: "unknown postgres option",
    files: { "definitions/a.sqlx": `config {\n  type: "table",\n  postgres: { filfactor: 80 }\n}\nselect 1 as x\n` },
    expected: "definitions/a.sqlx:3:3: unknown key \"filfactor\" in postgres (did you mean \"fillfactor\"?)",
  },
  {
    name: "postgres options on a view",
    files: { "definitions/a.sqlx": `config {\n  type: "view",\n  postgres: { fillfactor: 80 }\n}\nselect 1 as x\n` },
    expected: "definitions/a.sqlx:3:3: \"postgres\" options apply only to tables and incremental models; this is a view",
  },
  {
    name: "assertions.newRowsOnly not a boolean",
    files: { "definitions/a.sqlx": `config {\n  type: "incremental",\n  assertions: { nonNull: ["x"], newRowsOnly: "yes" }\n}\nselect 1 as x\n` },
    expected: "definitions/a.sqlx:3:33: \"assertions.newRowsOnly\" must be true or false",
  },
  {
    name: "incremental_where on a table",
    files: { "definitions/a.sqlx": `config { type: "table" }\nselect 1 as x\nincremental_where { x > 0 }\n` },
    expected: "definitions/a.sqlx:3:1: an incremental_where block applies only to incremental models; this is a table",
  },
  {
    name: "ref to an operation without output",
    files: {
      "definitions/setup.sqlx": `config { type: "operations" }\ncreate schema if not exists x\n`,
      "definitions/a.sqlx": view(`select * from \${ref("setup")}`),
    },
    expected: "definitions/a.sqlx:2:17: ref(\"setup\") names an operation without \"hasOutput: true\", which produces no relation",
  },
  {
    name: "missing config dependency",
    files: { "definitions/a.sqlx": `config {\n  type: "view",\n  dependencies: ["setpu"]\n}\nselect 1\n` },
    expected: "definitions/a.sqlx:3:18: dependency \"setpu\" does not match any action",
  },
  {
    name: "unknown inline assertion key",
    files: { "definitions/a.sqlx": `config {\n  type: "table",\n  assertions: {\n    uniqueKy: ["id"]\n  }\n}\nselect 1 as id\n` },
    expected: "definitions/a.sqlx:4:5: unknown key \"uniqueKy\" in assertions (did you mean \"uniqueKey\"?)",
  },
  {
    name: "incremental merge without uniqueKey",
    files: { "definitions/a.sqlx": `config {\n  type: "incremental",\n  incrementalStrategy: "merge"\n}\nselect 1 as id\n` },
    expected: "definitions/a.sqlx:3:3: incrementalStrategy \"merge\" needs a \"uniqueKey\"; this is an incremental",
  },
  {
    name: "test of a missing dataset",
    files: { "definitions/a_test.sqlx": `config { type: "test", dataset: "nothing_here" }\nselect 1\n` },
    expected: "definitions/a_test.sqlx:1:33: test dataset(\"nothing_here\") does not match any action",
  },
  {
    name: "pre_operations on an assertion",
    files: { "definitions/a.sqlx": `config { type: "assertion" }\npre_operations { select 1 }\nselect 1 where false\n` },
    expected: "definitions/a.sqlx:2:1: pre_operations and post_operations apply only to tables, views and incremental models; this is an assertion",
  },
  {
    name: "syntax error in a definitions .js file",
    files: { "definitions/api.js": `publish("x", { type: "table" })\n  .query(ctx => \`select 1\`;\n` },
    expected: "definitions/api.js:2:17: syntax error: missing ) after argument list",
  },
  {
    name: "exception inside a placeholder",
    files: { "definitions/a.sqlx": `config { type: "view" }\nselect 1\nfrom \${missingInclude.table}\n` },
    expected: "definitions/a.sqlx:3:8: ReferenceError: missingInclude is not defined",
  },
  {
    name: "landing contract without a table",
    files: {
      "landing/crm/contract.yaml": `description: CRM\ncolumns:\n  - name: id\n`,
      "definitions/a.sqlx": view("select 1"),
    },
    expected: "landing/crm/contract.yaml:1: contract needs \"table: <schema>.<name>\" naming its landing table",
  },
  {
    name: "invalid JSON in dataform.json",
    files: { "dataform.json": `{\n  "warehouse": "postgres",\n  "defaultSchema": "x",\n}\n`, "definitions/a.sqlx": view("select 1") },
    expected: "error: dataform.json:4:1: invalid JSON: Expected double-quoted property name",
  },
  {
    name: "no project config",
    files: { __no_config__: "", "definitions/a.sqlx": view("select 1") },
    expected: "error: <dir> is not a Strata project: it has neither dataform.json nor workflow_settings.yaml",
  },
  {
    name: "unsupported warehouse",
    files: { "dataform.json": `{ "warehouse": "bigquery", "defaultSchema": "x" }`, "definitions/a.sqlx": view("select 1") },
    expected: "error: dataform.json: \"warehouse\" is \"bigquery\"; Strata supports \"postgres\" (also PGlite, Aurora) and \"athena\"",
  },
  {
    name: "both dataform.json and workflow_settings.yaml",
    files: { "dataform.json": `{}`, "workflow_settings.yaml": "defaultDataset: x\n", "definitions/a.sqlx": view("select 1") },
    expected: "error: workflow_settings.yaml: dataform.json and workflow_settings.yaml cannot both be present (Dataform rule); keep one",
  },
];
