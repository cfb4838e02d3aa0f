import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const bin = path.resolve(__dirname, "../../bin/strata.js");

function strata(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("strata CLI", () => {
  it("prints help and exits 0", () => {
    const r = strata(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: strata");
  });

  it("rejects an unknown flag with exit 2 and one line, no stack trace", () => {
    const r = strata(["--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
