// A fast SQLX → JS transpiler whose output is byte-identical to `@dataform/core`'s `compiler`
// (3.0.x) for .sqlx files. Dataform lexes SQLX with a `moo` state machine whose catch-all rule
// takes ONE character per token; this scanner runs the same states with the same rules in the
// same order, but takes a whole run of characters at once where no other rule can start. The
// syntax tree (consecutive text merges into one string either way) and the generated JS are then
// built exactly as Dataform builds them. transpile.ts falls back to Dataform's own compiler when
// this scanner throws, so errors keep Dataform's exact behaviour.

/** Node types of Dataform's SQLX syntax tree. */
const enum NodeType {
  Javascript,
  Placeholder,
  Sql,
  SqlComment,
  SqlLiteralString,
  SqlLiteralMultilineString,
  SqlStatementSeparator,
}

type Child = string | SyntaxNode;

class SyntaxNode {
  constructor(
    readonly type: NodeType,
    readonly children: Child[] = [],
  ) {}

  /** Text merges into the previous text child, as in Dataform's tree. */
  push(child: Child): this {
    const last = this.children.length - 1;
    if (last >= 0 && typeof child === "string" && typeof this.children[last] === "string") this.children[last] += child;
    else this.children.push(child);
    return this;
  }

  /** Only this node's own text is escaped; nested nodes concatenate unescaped (as in Dataform). */
  concatenate(escape = true): string {
    const fn = escape ? ESCAPES.get(this.type) : undefined;
    let out = "";
    for (const c of this.children) out += typeof c === "string" ? (fn ? fn(c) : c) : c.concatenate(false);
    return out;
  }
}

const escapeLiteral = (s: string) => s.replace(/\\/g, "\\\\").replace(/`/g, "\\`");
const ESCAPES = new Map<NodeType, (s: string) => string>([
  [NodeType.SqlComment, (s) => s.replace(/`/g, "\\`").replace(/\$\{/g, "\\${")],
  [NodeType.SqlLiteralString, escapeLiteral],
  [NodeType.SqlLiteralMultilineString, escapeLiteral],
]);

// ---- Lexer states (the rules of Dataform's lexer, in its order) ----

/** What a token does to the tree: open a node of a type, close the current node, or add a leaf node. */
type TreeAction = { open: NodeType } | { close: true } | { leaf: NodeType } | undefined;

interface Rule {
  re: RegExp; // sticky + multiline, as moo compiles it
  push?: StateName;
  pop?: true;
  tree?: TreeAction;
}

type StateName = "sql" | "jsBlock" | "jsTemplateString" | "innerSqlBlock" | "innerSingleQuote" | "innerDoubleQuote" | "innerTripleSingleQuote" | "innerTripleDoubleQuote";

interface State {
  rules: Rule[];
  /** A run of characters none of which can start any rule but the one-character catch-all. */
  plain: RegExp;
}

const literal = (s: string) => s.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&");
const rule = (match: string | RegExp, extra: Omit<Rule, "re"> = {}): Rule => ({
  re: new RegExp(typeof match === "string" ? literal(match) : match.source, "ym"),
  ...extra,
});
const open = (t: NodeType): TreeAction => ({ open: t });
const leaf = (t: NodeType): TreeAction => ({ leaf: t });
const close: TreeAction = { close: true };

const SEPARATOR = /[^\S\r\n]*---[^\S\r\n]*$/;
const LINE_COMMENT = /--.*?$/;
const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//;
const INPUT = /input "[a-zA-Z0-9_-]+"(?:,\s*"[a-zA-Z0-9_-]+")* {/;

// A character that cannot start any rule but the catch-all, even though it may start one elsewhere:
// horizontal space not leading to `---`, `-` not followed by `-`, `/` not opening a comment, `$`
// not opening a placeholder. (Pure look-aheads, so runs stay exactly the catch-all's characters.)
const HSPACE_NOT_SEPARATOR = String.raw`[^\S\r\n](?![^\S\r\n]*-)`;
const DASH_NOT_COMMENT = String.raw`-(?!-)`;
const SLASH_NOT_COMMENT = String.raw`\/(?!\*)`;
const DOLLAR_NOT_PLACEHOLDER = String.raw`\$(?!\{)`;

const STATES: Record<StateName, State> = {
  sql: {
    rules: [
      rule("config {", { push: "jsBlock", tree: open(NodeType.Javascript) }),
      rule("js {", { push: "jsBlock", tree: open(NodeType.Javascript) }),
      rule("incremental_where {", { push: "innerSqlBlock", tree: open(NodeType.Sql) }),
      rule("pre_operations {", { push: "innerSqlBlock", tree: open(NodeType.Sql) }),
      rule("post_operations {", { push: "innerSqlBlock", tree: open(NodeType.Sql) }),
      rule(INPUT, { push: "innerSqlBlock", tree: open(NodeType.Sql) }),
      rule(SEPARATOR, { tree: leaf(NodeType.SqlStatementSeparator) }),
      rule(LINE_COMMENT, { tree: leaf(NodeType.SqlComment) }),
      rule(BLOCK_COMMENT, { tree: leaf(NodeType.SqlComment) }),
      rule("${", { push: "jsBlock", tree: open(NodeType.Placeholder) }),
      rule("`"),
      rule("'''", { push: "innerTripleSingleQuote", tree: open(NodeType.SqlLiteralMultilineString) }),
      rule('"""', { push: "innerTripleDoubleQuote", tree: open(NodeType.SqlLiteralMultilineString) }),
      rule("'", { push: "innerSingleQuote", tree: open(NodeType.SqlLiteralString) }),
      rule('"', { push: "innerDoubleQuote", tree: open(NodeType.SqlLiteralString) }),
    ],
    plain: new RegExp(`(?:[^cijp\\-/$\`'"\\s]|[\\r\\n]|${HSPACE_NOT_SEPARATOR}|${DASH_NOT_COMMENT}|${SLASH_NOT_COMMENT}|${DOLLAR_NOT_PLACEHOLDER}|c(?!onfig \\{)|j(?!s \\{)|i(?!ncremental_where \\{|nput ")|p(?!re_operations \\{|ost_operations \\{))+`, "y"),
  },
  jsBlock: {
    rules: [
      rule(/\/\/.*?$/),
      rule(BLOCK_COMMENT),
      rule(/'(?:\\['\\]|[^\n'\\])*'/),
      rule(/"(?:\\["\\]|[^\n"\\])*"/),
      rule("`", { push: "jsTemplateString" }),
      rule("{", { push: "jsBlock", tree: open(NodeType.Javascript) }),
      rule("}", { pop: true, tree: close }),
    ],
    plain: /(?:[^/'"`{}]|\/(?![/*]))+/y,
  },
  jsTemplateString: {
    rules: [
      rule(/\\\\/),
      rule(/\\\${`/),
      rule("${", { push: "jsBlock", tree: open(NodeType.Javascript) }),
      rule("`", { pop: true }),
    ],
    plain: /(?:[^\\$`]|\\(?![\\$])|\$(?!\{))+/y,
  },
  innerSqlBlock: {
    rules: [
      rule(SEPARATOR, { tree: leaf(NodeType.SqlStatementSeparator) }),
      rule(LINE_COMMENT, { tree: leaf(NodeType.SqlComment) }),
      rule(BLOCK_COMMENT, { tree: leaf(NodeType.SqlComment) }),
      rule("${", { push: "jsBlock", tree: open(NodeType.Placeholder) }),
      rule("}", { pop: true, tree: close }),
      rule("`"),
      rule("'''", { push: "innerTripleSingleQuote", tree: open(NodeType.SqlLiteralMultilineString) }),
      rule('"""', { push: "innerTripleDoubleQuote", tree: open(NodeType.SqlLiteralMultilineString) }),
      rule("'", { push: "innerSingleQuote", tree: open(NodeType.SqlLiteralString) }),
      rule('"', { push: "innerDoubleQuote", tree: open(NodeType.SqlLiteralString) }),
    ],
    plain: new RegExp(`(?:[^\\-/$}\`'"\\s]|[\\r\\n]|${HSPACE_NOT_SEPARATOR}|${DASH_NOT_COMMENT}|${SLASH_NOT_COMMENT}|${DOLLAR_NOT_PLACEHOLDER})+`, "y"),
  },
  innerSingleQuote: {
    rules: [rule("\\\\"), rule("\\'"), rule("${", { push: "jsBlock", tree: open(NodeType.Placeholder) }), rule("'", { pop: true, tree: close })],
    plain: /(?:[^\\$']|\\(?![\\'])|\$(?!\{))+/y,
  },
  // Dataform's rule for `${` in double-quoted strings is registered on the single-quote state by
  // mistake (after its catch-all, so it never fires): `${` inside "..." is plain text.
  innerDoubleQuote: {
    rules: [rule("\\\\"), rule('\\"'), rule('"', { pop: true, tree: close })],
    plain: /(?:[^\\"]|\\(?![\\"]))+/y,
  },
  innerTripleSingleQuote: {
    rules: [rule("\\\\"), rule("${", { push: "jsBlock", tree: open(NodeType.Placeholder) }), rule("'''", { pop: true, tree: close })],
    plain: /(?:[^\\$']|\\(?!\\)|\$(?!\{)|'(?!''))+/y,
  },
  innerTripleDoubleQuote: {
    rules: [rule("\\\\"), rule("${", { push: "jsBlock", tree: open(NodeType.Placeholder) }), rule('"""', { pop: true, tree: close })],
    plain: /(?:[^\\$"]|\\(?!\\)|\$(?!\{)|"(?!""))+/y,
  },
};

/** Lexes SQLX and builds Dataform's syntax tree. */
function parse(source: string): SyntaxNode {
  const root = new SyntaxNode(NodeType.Sql);
  let node = root;
  const nodes: SyntaxNode[] = [root];
  let state = STATES.sql;
  const states: State[] = [];
  let pos = 0;
  const end = source.length;
  while (pos < end) {
    // test() + lastIndex rather than exec(): no match arrays on this hot path.
    const plain = state.plain;
    plain.lastIndex = pos;
    if (plain.test(source)) {
      node.push(source.slice(pos, plain.lastIndex));
      pos = plain.lastIndex;
      continue;
    }
    let matched: Rule | undefined;
    const rules = state.rules;
    for (let i = 0; i < rules.length; i++) {
      const re = rules[i]!.re;
      re.lastIndex = pos;
      if (re.test(source)) {
        matched = rules[i];
        break;
      }
    }
    if (!matched) {
      // The catch-all: one character (a UTF-16 code unit, as `[\s\S]` without the u flag).
      node.push(source[pos]!);
      pos += 1;
      continue;
    }
    const text = source.slice(pos, matched.re.lastIndex);
    pos = matched.re.lastIndex;
    const tree = matched.tree;
    if (tree && "open" in tree) {
      if (tree.open === NodeType.Sql && node.type !== NodeType.Sql) throw new Error("SQL syntax tree nodes may only be children of other SQL nodes.");
      const child = new SyntaxNode(tree.open, [text]);
      nodes.push(child);
      node.push(child);
      node = child;
    } else if (tree && "close" in tree) {
      node.push(text);
      nodes.pop();
      node = nodes[nodes.length - 1]!;
    } else if (tree && "leaf" in tree) {
      node.push(new SyntaxNode(tree.leaf).push(text));
    } else {
      node.push(text);
    }
    if (matched.pop) {
      const previous = states.pop();
      if (!previous) throw new Error("lexer state stack underflow");
      state = previous;
    } else if (matched.push) {
      states.push(state);
      state = STATES[matched.push];
    }
  }
  return root;
}

/** Splits SQL children into statements at `---` separators, escaped for a JS template literal. */
function statements(children: Child[]): string[] {
  const out = [""];
  for (const c of children) {
    if (typeof c !== "string" && c.type === NodeType.SqlStatementSeparator) out.push("");
    else out[out.length - 1] += typeof c === "string" ? escapeLiteral(c) : c.concatenate();
  }
  return out;
}

const SQL_PARTS = new Set([NodeType.Placeholder, NodeType.SqlComment, NodeType.SqlLiteralString, NodeType.SqlLiteralMultilineString, NodeType.SqlStatementSeparator]);

const CONTEXT_CONSTS = ["self", "ref", "resolve", "name", "when", "incremental", "schema", "database"]
  .map((e) => `const ${e} = ctx.${e} ? ctx.${e}.bind(ctx) : undefined;`)
  .join("\n");
const EXPECT_CONST = "const EXPECT = ctx.EXPECT ? ctx.EXPECT : undefined;";

/** Dataform's `escapedBasename`: the file name without its extension, backslashes doubled. */
function escapedBasename(filePath: string): string {
  const separator = process.platform === "win32" ? "\\" : "/";
  const file = filePath.split(separator).slice(-1)[0]!;
  return file.substring(0, file.lastIndexOf(".")).replace(/\\/g, "\\\\");
}

/** SQLX → JS, byte-identical to `require("@dataform/core").compiler(source, path)` for a .sqlx path. */
export function transpileSqlxFast(source: string, filePath: string): string {
  if (filePath.split(".").slice(-1)[0] !== "sqlx") throw new Error("not a .sqlx file");
  const tree = parse(source);
  let config = "";
  let js = "";
  for (const c of tree.children) {
    if (typeof c === "string" || c.type !== NodeType.Javascript) continue;
    const text = c.concatenate(false);
    if (text.startsWith("config")) config = text.slice(7);
    else js += text.slice(4, -1);
  }
  const sql = statements(tree.children.filter((c) => typeof c === "string" || SQL_PARTS.has(c.type)));
  let incremental = "";
  let preOperations: string[] = [];
  let postOperations: string[] = [];
  const inputs: { labelParts: string[]; value: string }[] = [];
  for (const c of tree.children) {
    if (typeof c === "string" || c.type !== NodeType.Sql) continue;
    const first = c.children[0] as string;
    const last = c.children[c.children.length - 1] as string;
    if (typeof first !== "string" || typeof last !== "string") throw new Error("unclosed SQL block");
    const body =
      c.children.length === 1
        ? [first.slice(first.indexOf("{") + 1, first.lastIndexOf("}"))]
        : [first.slice(first.indexOf("{") + 1), ...c.children.slice(1, -1), last.slice(0, last.lastIndexOf("}"))];
    // Dataform re-merges adjacent text when it rebuilds the node; statements() treats text pieces alike.
    const parts = statements(body);
    if (first.startsWith("incremental_where")) {
      if (parts.length > 1) throw new Error("'incremental_where' code blocks may only contain a single SQL statement.");
      incremental = parts[0]!;
    } else if (first.startsWith("pre_operations")) preOperations = parts;
    else if (first.startsWith("post_operations")) postOperations = parts;
    else if (first.startsWith("input")) {
      if (parts.length > 1) throw new Error("'input' code blocks may only contain a single SQL statement.");
      const labelParts = first
        .slice(first.indexOf('"'), first.lastIndexOf('"') + 1)
        .split(",")
        .map((e) => e.trim().slice(1, -1));
      inputs.push({ labelParts, value: parts[0]! });
    }
  }
  const s = CONTEXT_CONSTS;
  const l = EXPECT_CONST;
  const quoted = (list: string[]) => list.map((e) => `\`${e}\``).join(",");
  return `dataform.sqlxAction({
  sqlxConfig: {
    name: "${escapedBasename(filePath)}",
    type: "operations",
    ...${config || "{}"}
  },
  sqlStatementCount: ${sql.length},
  sqlContextable: (ctx) => {
    ${s}
    ${l}
    ${js}
    return [${quoted(sql)}];
  },
  incrementalWhereContextable: ${incremental ? `(ctx) => {\n    ${s}\n    ${l}\n    ${js}\n    return \`${incremental}\`\n  }` : "undefined"},
  preOperationsContextable: ${preOperations.length > 0 ? `(ctx) => {\n    ${s}\n    ${l}\n    ${js}\n    return [${quoted(preOperations)}];\n  }` : "undefined"},
  postOperationsContextable: ${postOperations.length > 0 ? `(ctx) => {\n    ${s}\n    ${l}\n    ${js}\n    return [${quoted(postOperations)}];\n  }` : "undefined"},
  inputContextables: [
    ${inputs
      .map(
        ({ labelParts, value }) =>
          `{\n            refName: [${labelParts.map((e) => `"${e}"`).join(", ")}],\n            contextable: (ctx) => {\n              ${js}\n              return \`${value}\`;\n            }\n          }`,
      )
      .join(",")}
  ]
});
`;
}
