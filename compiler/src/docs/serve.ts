// `strata docs --serve`: serves the site on 127.0.0.1, rebuilds it when the project changes
// (definitions/, includes/, assertions/, .strata/run_results.json) and tells open pages to reload
// through server-sent events.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

export interface DocsServer {
  url: string;
  /** Tells open pages to reload. */
  notifyReload(): void;
  close(): Promise<void>;
}

/** Serves files under `root` (nothing outside it) plus the live-reload event stream. */
export function serveDocs(root: string, port: number): Promise<DocsServer> {
  const clients = new Set<http.ServerResponse>();
  // Rebuilds announced so far. Every event carries it as its id, so a page whose stream dropped
  // reconnects with the last one it saw (Last-Event-ID) and hears at once of a rebuild it missed.
  let rebuilds = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/__strata/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const seen = Number(req.headers["last-event-id"] ?? rebuilds);
      res.write(seen < rebuilds ? `id: ${rebuilds}\nevent: reload\ndata: {}\n\n` : `id: ${rebuilds}\n: connected\n\n`);
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    const rel = decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname);
    const file = path.resolve(root, `.${rel}`);
    if (!file.startsWith(path.resolve(root) + path.sep) || req.method !== "GET") {
      res.writeHead(404).end("not found");
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        notifyReload: () => {
          rebuilds++;
          for (const c of clients) c.write(`id: ${rebuilds}\nevent: reload\ndata: {}\n\n`);
        },
        close: () =>
          new Promise<void>((done) => {
            for (const c of clients) c.end();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Calls `onChange` (debounced) when a file under the watched project folders or the run results
 * change. Returns a function that stops watching.
 */
export function watchProject(projectDir: string, onChange: (what: string) => void, debounceMs = 150): () => void {
  const watchers: fs.FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let changed = "";
  const fire = (what: string) => {
    changed = what;
    clearTimeout(timer);
    timer = setTimeout(() => onChange(changed), debounceMs);
  };
  for (const dir of ["definitions", "includes", "assertions"]) {
    const full = path.join(projectDir, dir);
    if (!fs.existsSync(full)) continue;
    watchers.push(fs.watch(full, { recursive: true }, (_e, name) => fire(path.join(dir, String(name ?? "")))));
  }
  for (const file of ["dataform.json", "workflow_settings.yaml"]) {
    if (fs.existsSync(path.join(projectDir, file))) watchers.push(fs.watch(path.join(projectDir, file), () => fire(file)));
  }
  // run_results.json is replaced by rename, so watch its folder rather than the file.
  const state = path.join(projectDir, ".strata");
  fs.mkdirSync(state, { recursive: true });
  watchers.push(
    fs.watch(state, (_e, name) => {
      if (String(name) === "run_results.json") fire(".strata/run_results.json");
    }),
  );
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
