// The malformed-project corpus through the real CLI: one specific line each, with file and line,
// exit code 2, no stack trace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpus } from "./error-corpus";
import { buildCli, removeDir, repoRoot, runCliAsync, writeProject } from "./helpers";

let cli: { script: string; dir: string };

beforeAll(async () => {
  cli = await buildCli();
});

afterAll(() => removeDir(cli.dir));

describe("strata compile on malformed projects", () => {
  it("has a corpus of at least 25 projects", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
  });

  for (const c of corpus) {
    it.concurrent(c.name, async () => {
      const dir = writeProject(c.files, "err");
      try {
        const r = await runCliAsync(cli.script, ["compile", dir]);
        expect(r.code).toBe(2);
        expect(r.stderr.split("\n")[0]).toBe(c.expected.replace("<dir>", dir));
        expect(r.stderr).not.toMatch(/\n\s+at /);
      } finally {
        removeDir(dir);
      }
    });
  }

  it.concurrent("--json still prints the graph, with the errors in graphErrors, and exits 2", async () => {
    const dir = writeProject(corpus[0].files, "err-json");
    try {
      const r = await runCliAsync(cli.script, ["compile", dir, "--json"]);
      expect(r.code).toBe(2);
      const graph = JSON.parse(r.stdout);
      expect(graph.graphErrors.compilationErrors).toEqual([
        expect.objectContaining({ fileName: "definitions/marts.sqlx", line: 3, column: 8 }),
      ]);
      expect(graph.tables.map((t: { target: { name: string } }) => t.target.name).sort()).toEqual(["marts", "stg_customers"]);
    } finally {
      removeDir(dir);
    }
  });

  it("--watch recompiles on a change and reports the new error, until Ctrl-C", async () => {
    const dir = writeProject({ "definitions/a.sqlx": `config { type: "view" }\nselect 1` }, "watch");
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [cli.script, "compile", dir, "--watch"], { env: { ...process.env, NODE_PATH: `${repoRoot}/node_modules` } });
    let stderr = "";
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${text}; got: ${stderr}`)), 20_000);
        const check = () => {
          if (stderr.includes(text)) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 50);
        };
        check();
      });
    child.stderr.on("data", (d) => (stderr += d));
    try {
      await waitFor("no errors");
      const fs = await import("node:fs");
      fs.writeFileSync(`${dir}/definitions/b.sqlx`, `config { type: "view" }\nselect * from \${ref("nope")}`);
      await waitFor(`definitions/b.sqlx:2:17: ref("nope") does not match any action`);
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      child.kill();
      removeDir(dir);
    }
  });
});
