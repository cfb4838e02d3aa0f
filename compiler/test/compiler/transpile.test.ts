// The fast SQLX scanner must produce exactly what `@dataform/core`'s `compiler` produces: checked
// byte for byte on every .sqlx file in the repository, on a generated benchmark project, on
// hand-written edge cases and on a few hundred seeded random files (well-formed and garbage).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { transpileSqlxFast } from "../../src/sqlx/sqlx-scanner";
import { transpileSqlx, transpileSqlxWithDataform } from "../../src/sqlx/transpile";
import { repoRoot } from "./helpers";

type Outcome = { js: string } | { error: string };
const run = (f: () => string): Outcome => {
  try {
    return { js: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

/** Fast path and Dataform agree: same JS, or the fast path gives up (and then transpileSqlx falls back). */
function expectSame(source: string, file = "definitions/model.sqlx"): "fast" | "fallback" {
  const theirs = run(() => transpileSqlxWithDataform(source, file));
  const ours = run(() => transpileSqlxFast(source, file));
  expect(run(() => transpileSqlx(source, file)), JSON.stringify(source)).toEqual(theirs);
  if ("error" in ours) return "fallback";
  expect(ours, JSON.stringify(source)).toEqual(theirs);
  return "fast";
}

function sqlxFilesUnder(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sqlxFilesUnder(p, out);
    else if (e.name.endsWith(".sqlx")) out.push(p);
  }
  return out;
}

/** Deterministic pseudo-random numbers (LCG), so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const EDGE_CASES = [
  "",
  "select 1",
  "config { type: \"view\" }\nselect 1",
  'config {\n  type: "table",\n  description: "a } brace and a ` backtick",\n}\nselect ${ref("a")} from x',
  "js { const a = `x ${1 + {a: 1}.a} y`; }\nselect ${a}",
  "select '${ref(\"a\")}' as s, \"${b}\" as d, '''multi ${c}\nline''', \"\"\"tri ${d} \"\"\"",
  "select 1 -- comment with ` and ${x} and }\n---\nselect 2 /* block ` ${y} */\n   ---   \nselect 3",
  "pre_operations {\n  set x = 1;\n  ---\n  set y = '}';\n}\npost_operations { drop ${self()} }\nselect 1",
  'config { type: "incremental" }\nincremental_where { updated > (select max(u) from ${self()}) }\nselect 1',
  'config { type: "test" }\ninput "a" { select 1 as x }\ninput "b", "c" {\n  select 2\n}\nselect * from ${ref("a")}',
  "select '\\\\' as backslash, 'it\\'s' as q, \"say \\\"hi\\\"\" as d, `quoted` as b",
  "select '\\n' || E'\\t' as escapes, $$ dollar $$ as d, $1 as p",
  "js {\n  // a comment with { and ` and '\n  /* and } here */\n  const s = '}' + \"{\" + `\\${`;\n}\nselect 1",
  "select 1;\r\n---\r\nselect 2\r\n",
  "select x\u00a0---\u00a0\nselect y \u2028 z",
  "myconfig { not a block } and xjs { nor this }",
  "select ${ {a: '}'}.a } from t",
  "select `a`.`b` from `c` where d = '`'",
  "config { type: \"operations\", hasOutput: true }\ncreate table ${self()} as select 1\n---\ninsert into ${self()} values (2)",
  "select ${when(incremental(), `where ts > (select max(ts) from ${self()})`, ``)}",
  "select '''a'' b''' , \"\"\"x\"\" y\"\"\"",
  "unclosed ${ref(\"a\"",
  "unclosed 'string",
  "pre_operations { unclosed",
  "incremental_where { a\n---\nb }",
  'input "x" { a\n---\nb }',
  "}}} stray closers {{{",
  "config { a: 1 }\nconfig { b: 2 }\njs { x }\njs { y }\nselect 1",
  "-- only a comment",
  "select 'tab\there' \\` backslash-backtick \\${ nope }",
  "select 1 ---not a separator\nselect 2 ----\nselect 3",
];

/** Random fragments that exercise every lexer state and its edges. */
const FRAGMENTS = [
  "config {", "js {", "pre_operations {", "post_operations {", "incremental_where {", 'input "a" {', 'input "a", "b_2" {',
  "${", "}", "{", "`", "'", '"', "'''", '"""', "--", "---", " --- ", "/*", "*/", "//", "\\", "\\\\", "\\'", '\\"', "\\${`",
  "$", "\n", "\r\n", "\r", " ", "\t", "\t---", "--- ", "select ", "from ", "x", 'ref("a")', "self()", "config", "c", "i", "p", "j", "-", "/",
  "*", "\u00a0", "\u2028", "é", "😀", "a, b", "1 + 2", ";",
];

function randomGarbage(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 40);
  let s = "";
  for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
  return s;
}

function randomWellFormed(rand: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const placeholder = () => pick(['${ref("a")}', "${self()}", '${ref({schema: "s", name: "t"})}', "${when(incremental(), `and x > ${1}`)}", "${ {k: '}'}.k }"]);
  const sqlPiece = () =>
    pick([
      "select a, b",
      ` from ${placeholder()}`,
      " where s = 'it''s ${x}'",
      ' and d = "q ${y} \\" z"',
      " -- trailing ` comment ${z}\n",
      "\n/* block\n comment } */\n",
      " and '\\\\' <> '\\''",
      " `quoted`",
      "\n---\n",
      " '''triple ${placeholder} '''",
      " \"\"\"dq \"\"\"",
      "\n",
    ]);
  const sql = (n: number) => Array.from({ length: n }, sqlPiece).join("");
  const parts: string[] = [];
  if (rand() < 0.8) parts.push(`config {\n  type: "${pick(["view", "table", "incremental", "operations", "test"])}",\n  tags: ["a", "b"],\n  description: "a } desc with \`tick\`"\n}\n`);
  if (rand() < 0.4) parts.push("js {\n  const f = (x) => `'${x}'`;\n  /* } */ // {\n}\n");
  if (rand() < 0.3) parts.push(`pre_operations {\n${sql(3)}\n}\n`);
  if (rand() < 0.3) parts.push(`post_operations {\n${sql(3)}\n}\n`);
  if (rand() < 0.3) parts.push(`incremental_where {\n  ts > (select max(ts) from \${self()})\n}\n`);
  if (rand() < 0.2) parts.push(`input "src" {\n  select 1 as id\n}\n`);
  parts.push(sql(2 + Math.floor(rand() * 8)));
  // Shuffle block order a little: Dataform allows blocks anywhere.
  if (rand() < 0.3) parts.reverse();
  return parts.join(rand() < 0.5 ? "\n" : "");
}

describe("fast SQLX transpiler matches @dataform/core's compiler byte for byte", () => {
  it("on every .sqlx file in the repository (reference project, examples, fixtures)", () => {
    const files = ["definitions", "assertions", "examples", "compiler/test"].flatMap((d) => sqlxFilesUnder(path.join(repoRoot, d)));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(expectSame(fs.readFileSync(f, "utf8"), path.relative(repoRoot, f)), f).toBe("fast");
  });

  it("on a generated benchmark project (the shapes bench/compile uses)", async () => {
    const os = await import("node:os");
    const { generateProject } = (await import(path.join(repoRoot, "bench/compile/generate.mjs"))) as { generateProject: (dir: string, n: number) => void };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-transpile-bench-"));
    try {
      generateProject(dir, 60);
      const files = sqlxFilesUnder(dir);
      expect(files.length).toBe(60);
      for (const f of files) expect(expectSame(fs.readFileSync(f, "utf8"), path.relative(dir, f))).toBe("fast");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("on hand-written edge cases (blocks, nested braces, strings, comments, escapes, separators)", () => {
    const outcomes = EDGE_CASES.map((s) => expectSame(s));
    // Well-formed inputs never need the fallback; unclosed blocks may.
    expect(outcomes.filter((o) => o === "fast").length).toBeGreaterThanOrEqual(EDGE_CASES.length - 3);
  });

  it("on 300 seeded random well-formed files", () => {
    const rand = prng(20261121);
    for (let i = 0; i < 300; i++) expect(expectSame(randomWellFormed(rand))).toBe("fast");
  });

  it("on 400 seeded random fragment soups (odd input falls back to Dataform)", () => {
    const rand = prng(42);
    let fast = 0;
    for (let i = 0; i < 400; i++) if (expectSame(randomGarbage(rand)) === "fast") fast++;
    expect(fast).toBeGreaterThan(200);
  });

  it("uses the file name as the action name, as Dataform does", () => {
    for (const file of ["definitions/a/b.sqlx", "x.y.sqlx", "definitions/noext.sqlx", "definitions/we\\ird.sqlx"]) expectSame("select 1", file);
    expect(transpileSqlxFast("select 1", "definitions/a/orders.sqlx")).toContain('name: "orders"');
  });

  it("keeps Dataform's errors (two statements in incremental_where)", () => {
    const source = 'config { type: "incremental" }\nincremental_where { a\n---\nb }\nselect 1';
    expect(() => transpileSqlx(source, "definitions/m.sqlx")).toThrow("'incremental_where' code blocks may only contain a single SQL statement.");
  });
});
