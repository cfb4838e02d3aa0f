// `strata` entry point: builds the commander program from one module per command, maps errors to
// one line and the documented exit codes (DESIGN §6), and never prints a stack trace for them.
import { Command, CommanderError } from "commander";
import { ExitCode, StrataError } from "../errors";
import { redact } from "../redact";
import { commands } from "./commands";

export function buildProgram(): Command {
  const program = new Command("strata")
    .description("Dataform-compatible SQLX models, run safely on PostgreSQL, PGlite and Athena")
    .version(require("../../../package.json").version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const register of commands) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit through here with code 0; usage errors are exit 2.
    return err.exitCode === 0 ? 0 : ExitCode.invalid;
  }
  if (err instanceof StrataError) {
    process.stderr.write(`error: ${redact(err.oneLine())}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${redact(message.split("\n")[0])}\n`);
  if (process.env.STRATA_DEBUG && err instanceof Error) process.stderr.write(`${redact(err.stack ?? "")}\n`);
  return ExitCode.actionFailed;
}

/** Runs the CLI with process.argv and exits with its code (used by bin/strata.js). */
export function run(): void {
  main(process.argv.slice(2)).then(exitAfterFlush, (err) => exitAfterFlush(reportError(err)));
}

/** process.exit() drops output still queued for a pipe: exit once stdout and stderr have drained. */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}
