// `strata docs`: writes the static docs site; with --serve, serves it on 127.0.0.1 and rebuilds
// it when the project or the run results change.
import path from "node:path";
import type { Command } from "commander";
import { UserError } from "../errors";
import type { GenerateDocsOptions } from "../docs/generate";
import { parseVars } from "../project/config";
import { redact } from "../redact";

interface DocsFlags {
  out?: string;
  target?: string;
  vars?: string[];
  serve?: boolean;
  port?: string;
  lineage?: boolean;
  warehouseColumns?: boolean;
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 8470;
  if (!/^\d+$/.test(value.trim()) || Number(value) > 65535) throw new UserError(`--port expects a number from 0 to 65535; got "${value}"`);
  return Number(value);
}

export function registerDocs(program: Command): void {
  program
    .command("docs")
    .description("write the documentation site (DAG, models, columns, SQL, last run) to .strata/docs")
    .argument("[project-dir]", "the project directory", ".")
    .option("--out <dir>", "where to write the site (default: <project>/.strata/docs)")
    .option("--target <name>", "the targets.yaml target (decides SQL quoting; names the run shown)")
    .option("--vars <pairs>", "project variables as key=value,key=value (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--no-lineage", "skip column-level lineage analysis")
    .option("--warehouse-columns", "read column types from the target's warehouse (connects to it)")
    .option("--serve", "serve the site on 127.0.0.1 and rebuild it when the project changes")
    .option("--port <n>", "port for --serve (default 8470; 0 picks a free one)")
    .action(async (projectDir: string, flags: DocsFlags) => {
      process.exitCode = await docsCommand(projectDir, flags);
    });
}

async function docsCommand(projectDir: string, flags: DocsFlags): Promise<number> {
  const port = flags.serve ? parsePort(flags.port) : 0;
  if (!flags.serve && flags.port !== undefined) throw new UserError("--port needs --serve");
  // Loaded here, not at start-up: the docs generator and server are only needed by this command.
  const [{ generateDocs }, { serveDocs, watchProject }] = await Promise.all([import("../docs/generate"), import("../docs/serve")]);
  const options: GenerateDocsOptions = {
    projectDir,
    outDir: flags.out,
    target: flags.target,
    vars: parseVars(flags.vars),
    lineage: flags.lineage,
    warehouseColumns: flags.warehouseColumns,
    liveReload: flags.serve,
  };
  const started = Date.now();
  const first = await generateDocs(options);
  for (const w of first.warnings) process.stderr.write(`warning: ${redact(w)}\n`);
  const relative = path.relative(process.cwd(), first.index);
  const where = relative && !relative.startsWith("..") ? relative : first.index;
  process.stdout.write(`wrote docs for ${first.actions} actions to ${where} in ${Date.now() - started} ms\n`);
  if (!flags.serve) return 0;

  const server = await serveDocs(first.outDir, port).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(err.code === "EADDRINUSE" ? `port ${port} is in use: pick another with --port` : `cannot serve the docs: ${err.message}`);
  });
  process.stdout.write(`serving ${server.url} (Ctrl-C to stop)\n`);
  let building = Promise.resolve();
  const stop = watchProject(path.resolve(projectDir), (what) => {
    building = building.then(async () => {
      const t0 = Date.now();
      try {
        const result = await generateDocs(options);
        for (const w of result.warnings) process.stderr.write(`warning: ${redact(w)}\n`);
        process.stdout.write(`${what} changed: rebuilt in ${Date.now() - t0} ms\n`);
        server.notifyReload();
      } catch (err) {
        // Keep serving the last good site; say what is wrong on one line.
        const e = err as { oneLine?: () => string; message?: string };
        process.stderr.write(`error: ${redact(e.oneLine ? e.oneLine() : String(e.message).split("\n")[0])}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
  stop();
  await server.close();
  return 0;
}
