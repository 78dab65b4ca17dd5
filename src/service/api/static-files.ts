// The web page's files and the Leaflet library, served from disk (no CDN: the page must work offline).
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".map": "application/json",
};

/** Directory of Leaflet's dist files (leaflet.css, leaflet-src.esm.js, images/). */
export function leafletDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("leaflet/package.json")), "dist");
}

async function sendFile(reply: FastifyReply, root: string, relative: string): Promise<FastifyReply> {
  const file = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
  if (!file.startsWith(path.resolve(root) + path.sep)) return reply.code(404).send({ error: "not found" });
  try {
    const info = await stat(file);
    if (!info.isFile()) return reply.code(404).send({ error: "not found" });
    const body = await readFile(file);
    return reply
      .header("content-type", TYPES[path.extname(file)] ?? "application/octet-stream")
      .header("cache-control", "no-cache")
      .send(body);
  } catch {
    return reply.code(404).send({ error: `not found: /${relative}` });
  }
}

export function registerStaticRoutes(app: FastifyInstance, webDir: string): void {
  const leaflet = leafletDir();
  app.get("/", (_request, reply) => sendFile(reply, webDir, "index.html"));
  app.get<{ Params: { "*": string } }>("/vendor/leaflet/*", (request, reply) =>
    sendFile(reply, leaflet, request.params["*"]),
  );
  app.get<{ Params: { "*": string } }>("/web/*", (request, reply) =>
    sendFile(reply, webDir, request.params["*"]),
  );
}
