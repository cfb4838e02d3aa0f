import { describe, expect, it } from "vitest";
import { formatSqlx } from "../../src/analysis/format";
import { maskPlaceholders, splitSqlx } from "../../src/analysis/sqlx-sections";

const MODEL = `config {
  type: "incremental",
  uniqueKey: ["id"],   // spacing   kept
}

js {
  const cutoff = "2024-01-01";
}

SELECT id,SUM(amount) AS total FROM \${ref("orders")} o
  JOIN \${ref({schema: "ods", name: "x"})} x ON o.id=x.id
WHERE o.d > '\${cutoff}' \${when(incremental(), \`and o.d > (select max(d) from \${self()})\`)}
GROUP BY 1

pre_operations {
  set   local work_mem = '64MB'
}
`;

describe("strata format", () => {
  it("formats the SQL and keeps every block and placeholder exactly", () => {
    const out = formatSqlx(MODEL, "postgres");
    expect(out).toContain(`config {\n  type: "incremental",\n  uniqueKey: ["id"],   // spacing   kept\n}`);
    expect(out).toContain(`js {\n  const cutoff = "2024-01-01";\n}`);
    expect(out).toContain(`pre_operations {\n  set   local work_mem = '64MB'\n}`);
    for (const p of maskPlaceholders(MODEL).placeholders) expect(out).toContain(p.text);
    expect(out).toContain("select\n  id,\n  SUM(amount) as total\nfrom\n  ${ref(\"orders\")} o");
    expect(out).toContain("group by\n  1\n\npre_operations {");
  });

  it("is idempotent", () => {
    const once = formatSqlx(MODEL, "postgres");
    expect(formatSqlx(once, "postgres")).toBe(once);
  });

  it("formats each statement of an operations file between --- separators", () => {
    const out = formatSqlx("config { type: 'operations' }\nCREATE TABLE IF NOT EXISTS x (a INT)\n---\nINSERT INTO x VALUES (1)\n", "postgres");
    expect(out).toBe("config { type: 'operations' }\n\ncreate table if not exists x (a int)\n\n---\n\ninsert into\n  x\nvalues\n  (1)\n");
    expect(formatSqlx(out, "postgres")).toBe(out);
  });

  it("splits a file into sections that concatenate back to the file", () => {
    const sections = splitSqlx(MODEL);
    expect(sections.map((s) => s.text).join("")).toBe(MODEL);
    expect(sections.filter((s) => s.kind === "block").map((s) => s.line)).toEqual([1, 6, 15]);
  });

  it("does not mistake braces inside strings or comments for block ends", () => {
    const src = 'config { type: "view", description: "a } brace" /* } */ }\nselect 1 as a\n';
    expect(splitSqlx(src)[0].text).toBe('config { type: "view", description: "a } brace" /* } */ }');
  });
});
