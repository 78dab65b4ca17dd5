// Content-Security-Policy for every HTML page the server sends: scripts only from this server, no inline
// script except the page's own inline blocks (the import map), allowed by their SHA-256 hashes, so a
// string that slips into the page as HTML (a mission name, an error text) cannot run. Inline style
// attributes stay allowed: the page sets widths and swatch colours that way, and they cannot run code.
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";

/** The hashes of the inline <script> blocks of a page ('sha256-…' sources). */
function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`);
  }
  return hashes;
}

export function contentSecurityPolicy(html: string): string {
  return [
    "default-src 'self'",
    `script-src ${["'self'", ...inlineScriptHashes(html)].join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function registerContentSecurityPolicy(app: FastifyInstance): void {
  app.addHook("onSend", async (_request, reply, payload) => {
    const type = String(reply.getHeader("content-type") ?? "");
    if (!type.startsWith("text/html")) return payload;
    const html =
      typeof payload === "string" ? payload : Buffer.isBuffer(payload) ? payload.toString("utf8") : "";
    reply.header("content-security-policy", contentSecurityPolicy(html));
    reply.header("x-content-type-options", "nosniff");
    return payload;
  });
}
