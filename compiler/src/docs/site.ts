// Writes the static site: index.html, the bundled browser code, its stylesheet, and the data as a
// script that assigns a global (fetch() of a JSON file is blocked on file://). No CDN: it works
// offline and from file://.
import fs from "node:fs";
import path from "node:path";
import { redactStrings } from "../runner/write-results";
import type { DocsData } from "./docs-data";

const BROWSER_ENTRY = path.join("compiler", "src", "docs", "browser", "app.ts");

/** The repository root (where compiler/src lives), from the source tree or from dist/. */
function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, BROWSER_ENTRY))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find ${BROWSER_ENTRY} above ${__dirname}`);
}

let bundled: { js: string; css: string } | undefined;

/**
 * The browser code: prebuilt by `npm run build` next to the CLI bundle (dist/docs-app.js), or,
 * when running from the sources (tests), bundled once per process with esbuild (~50 ms).
 */
export async function bundleBrowserCode(): Promise<{ js: string; css: string }> {
  if (bundled) return bundled;
  const prebuilt = path.join(__dirname, "docs-app.js");
  if (fs.existsSync(prebuilt)) {
    bundled = { js: fs.readFileSync(prebuilt, "utf8"), css: fs.readFileSync(path.join(__dirname, "docs-app.css"), "utf8") };
    return bundled;
  }
  const root = packageRoot();
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [path.join(root, BROWSER_ENTRY)],
    bundle: true,
    write: false,
    minify: true,
    format: "iife",
    target: "es2020",
    platform: "browser",
    logLevel: "silent",
  });
  const css = fs.readFileSync(path.join(root, "compiler", "src", "docs", "browser", "styles.css"), "utf8");
  bundled = { js: result.outputFiles[0].text, css };
  return bundled;
}

export function indexHtml(title: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Strata docs</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%237c3aed'/%3E%3C/svg%3E">
<link rel="stylesheet" href="assets/app.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar">
  <a class="brand" href="#/"><span class="brand-mark" aria-hidden="true"></span><span id="project-name">${esc(title)}</span> <small>docs</small></a>
  <nav class="nav" aria-label="Main"><a href="#/" data-view="overview">Overview</a><a href="#/dag" data-view="dag">DAG</a></nav>
  <div class="search">
    <label for="search" class="visually-hidden">Search models and columns</label>
    <input id="search" type="search" placeholder="Search models, columns…  ( / )" autocomplete="off" role="combobox"
      aria-autocomplete="list" aria-expanded="false" aria-controls="search-results">
    <ul id="search-results" role="listbox" aria-label="Search results" hidden></ul>
  </div>
</header>
<main id="main" tabindex="-1"></main>
<script src="data/graph.js"></script>
<script src="assets/app.js"></script>
</body>
</html>
`;
}

/**
 * The data as a script. Every string is redacted, so no secret reaches the site even via an error
 * text. It is a JSON.parse of a string literal rather than an object literal: V8 parses JSON several
 * times faster than JavaScript, which is most of the load time of a large project.
 */
export function dataScript(data: DocsData): string {
  const json = JSON.stringify(redactStrings(data));
  // `<` escaped so the text could also be inlined in a <script> element safely.
  return `window.__STRATA_DOCS__ = JSON.parse(${JSON.stringify(json).replace(/</g, "\\u003c")});\n`;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Writes the site into `outDir` (created if needed) and returns the path of index.html. */
export async function writeDocsSite(data: DocsData, outDir: string): Promise<string> {
  const { js, css } = await bundleBrowserCode();
  fs.mkdirSync(path.join(outDir, "assets"), { recursive: true });
  fs.mkdirSync(path.join(outDir, "data"), { recursive: true });
  writeAtomic(path.join(outDir, "assets", "app.js"), js);
  writeAtomic(path.join(outDir, "assets", "app.css"), css);
  writeAtomic(path.join(outDir, "data", "graph.js"), dataScript(data));
  const index = path.join(outDir, "index.html");
  writeAtomic(index, indexHtml(data.project.name));
  return index;
}
