// A tiny static server on 127.0.0.1 for tests that drive Chromium themselves (no bundler,
// no vitest in the page): /lib/** is src/** transpiled file by file with esbuild (the layout
// of dist/, always current), /wasm/*.wasm the compiled builds, /page/** the pages a test
// gives. Under /csp/ the same files come with a Content-Security-Policy header; under
// /isolated/ with the two headers that make a page cross-origin isolated (COOP and COEP,
// see docs/threads.md), the only pages where browsers give WebAssembly shared memory.
import { transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The policy under /csp/: scripts from this origin only, and no 'wasm-unsafe-eval'. */
export const CSP = "script-src 'self'";
/** The headers under /isolated/: with both, the page's crossOriginIsolated is true. */
export const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } as const;

export interface StaticServer {
  origin: string;
  /** Requests answered with an error status. */
  failed: string[];
  close(): Promise<void>;
}

/** Starts the server; pages maps a path under /page/ to its text (type from the extension). */
export async function startServer(pages: Record<string, string>): Promise<StaticServer> {
  const failed: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      let url = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
      if (url.startsWith('/csp/')) {
        headers['Content-Security-Policy'] = CSP;
        url = url.slice(4);
      } else if (url.startsWith('/isolated/')) {
        Object.assign(headers, ISOLATION);
        url = url.slice(9);
      }
      try {
        const { body, type } = await resolve(url, pages);
        res.writeHead(200, { ...headers, 'Content-Type': type });
        res.end(body);
      } catch {
        failed.push(`${req.method} ${req.url}`);
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
        res.end('not found\n');
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    failed,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

/** src/ files transpiled so far (by path without extension): every page loads the same ones. */
const transpiled = new Map<string, string>();

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

async function resolve(url: string, pages: Record<string, string>): Promise<{ body: string | Buffer; type: string }> {
  const type = TYPES[path.posix.extname(url)] ?? 'application/octet-stream';
  if (url.startsWith('/page/') && url.slice(6) in pages) return { body: pages[url.slice(6)], type };
  if (/^\/wasm\/steepest\.[\w.]+\.wasm$/.test(url)) return { body: await readFile(path.join(ROOT, 'build', url.slice(6))), type };
  const lib = /^\/lib\/([\w/]+)\.js$/.exec(url);
  if (lib) {
    let code = transpiled.get(lib[1]);
    if (code === undefined) {
      const source = await readFile(path.join(ROOT, 'src', `${lib[1]}.ts`), 'utf8');
      code = (await transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code;
      transpiled.set(lib[1], code);
    }
    return { body: code, type };
  }
  throw new Error('not found');
}
