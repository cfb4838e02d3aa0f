// The reference platform is the example everyone copies: it must pass its own lint and format checks.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../../..");
const bin = path.join(root, "bin/strata.js");

describe("the reference platform", () => {
  it("passes strata lint", () => {
    const r = spawnSync(process.execPath, [bin, "lint", root, "--no-cache"], { encoding: "utf8" });
    expect(r.stdout).toMatch(/✓ no findings in \d+ actions/);
    expect(r.status).toBe(0);
  });

  it("passes strata format --check", () => {
    const r = spawnSync(process.execPath, [bin, "format", root, "--check"], { encoding: "utf8" });
    expect(r.stdout).toMatch(/\d+ files, 0 need formatting/);
    expect(r.status).toBe(0);
  });
});
