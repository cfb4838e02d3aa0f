// Fallback CLI entry for the compiler tests: only `strata compile`, with main.ts's error mapping.
// Used when the full CLI does not bundle (another command mid-change), so these tests still run.
import { Command, CommanderError } from "commander";
import { registerCompile } from "../../src/cli/compile";
import { ExitCode, StrataError } from "../../src/errors";

export function run(): void {
  const program = new Command("strata").exitOverride();
  registerCompile(program);
  for (const cmd of program.commands) cmd.exitOverride();
  program.parseAsync(process.argv.slice(2), { from: "user" }).then(
    () => process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode)),
    (err) => {
      if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : ExitCode.invalid);
      if (err instanceof StrataError) {
        process.stderr.write(`error: ${err.oneLine()}\n`);
        process.exit(err.exitCode);
      }
      process.stderr.write(`error: ${String(err?.message ?? err).split("\n")[0]}\n`);
      process.exit(1);
    },
  );
}
