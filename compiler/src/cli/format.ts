// `strata format [project-dir] [--check]`: formats the SQL of every SQLX file in place; with
// --check, changes nothing and exits 1 listing the files that are not formatted.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { ExitCode, UserError } from "../errors";
import { resolveTarget } from "../project/targets";

export function registerFormat(program: Command): void {
  program
    .command("format")
    .description("format the SQL of SQLX files (config/js blocks and ${...} placeholders are left as they are)")
    .argument("[project-dir]", "the project directory", ".")
    .option("--check", "change nothing; exit 1 if any file is not formatted")
    .option("--target <name>", "target from targets.yaml (picks the SQL dialect)")
    .action(async (dir: string, opts: { check?: boolean; target?: string }) => {
      const projectDir = path.resolve(dir);
      if (!fs.existsSync(projectDir)) throw new UserError(`project directory ${dir} does not exist`);
      const { formatSqlx } = await import("../analysis/format");
      const dialect = resolveTarget(projectDir, opts.target).dialect;
      const files = sqlxFiles(projectDir);
      const changed: string[] = [];
      for (const file of files) {
        const source = fs.readFileSync(path.join(projectDir, file), "utf8");
        let formatted: string;
        try {
          formatted = formatSqlx(source, dialect);
        } catch (err) {
          throw new UserError(`cannot format: ${(err as Error).message.split("\n")[0]}`, { file });
        }
        if (formatted === source) continue;
        changed.push(file);
        if (!opts.check) fs.writeFileSync(path.join(projectDir, file), formatted);
      }
      for (const file of changed) process.stdout.write(`${opts.check ? "not formatted" : "formatted"}: ${file}\n`);
      process.stdout.write(`${files.length} files, ${changed.length} ${opts.check ? "need formatting" : "reformatted"}\n`);
      if (opts.check && changed.length > 0) process.exitCode = ExitCode.actionFailed;
    });
}

function sqlxFiles(projectDir: string): string[] {
  const out: string[] = [];
  for (const root of ["definitions", "assertions"]) {
    const dir = path.join(projectDir, root);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".sqlx")) out.push(path.relative(projectDir, path.join(entry.parentPath, entry.name)));
    }
  }
  return out.sort();
}
