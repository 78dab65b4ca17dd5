// Open mode (no API key) trusts whoever can reach the socket, which a web page can also do through DNS
// rebinding: its name turns into 127.0.0.1 and the browser sends `Host: attacker.example:8080`. So open
// mode answers only requests addressed to this server by a loopback name (or the address it was told to
// bind) and its port, and no state-changing request from another web origin is accepted in any mode.
import type { FastifyRequest } from "fastify";
import { ApiError } from "./errors.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** localhost, *.localhost, 127.0.0.0/8 and ::1 (names a DNS answer cannot make point elsewhere). */
export function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host and port of a Host header or an origin's authority ("[::1]:8080" → ["::1", "8080"]). */
function splitAuthority(authority: string): { host: string; port: string } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority.trim());
  return m ? { host: m[1].replace(/^\[|\]$/g, "").toLowerCase(), port: m[2] ?? "" } : { host: "", port: "" };
}

export interface HostGuardOptions {
  open: boolean;
  /** The address the server was told to listen on: accepted as a Host name too in open mode. */
  bindHost?: string;
  /** The port it listens on (undefined for app.inject(), which has no socket). */
  port: () => number | undefined;
}

/** Throws 403 for a request open mode must not answer, or a cross-origin state-changing request. */
export function checkHostAndOrigin(request: FastifyRequest, options: HostGuardOptions): void {
  const hostHeader = request.headers.host ?? "";
  const { host, port } = splitAuthority(hostHeader);
  const unspecified = options.bindHost === "0.0.0.0" || options.bindHost === "::";
  if (options.open && !unspecified) {
    const listening = options.port();
    const nameOk =
      isLoopbackName(host) || (options.bindHost !== undefined && host === options.bindHost.toLowerCase());
    const portOk = listening === undefined || (port || "80") === String(listening);
    if (!nameOk || !portOk) {
      throw new ApiError(
        403,
        `forbidden: Host ${JSON.stringify(hostHeader)} is not this server (without an API key it answers only to localhost${listening ? `:${listening}` : ""})`,
      );
    }
  }
  const origin = request.headers.origin;
  if (origin !== undefined && STATE_CHANGING.has(request.method)) {
    let same = false;
    try {
      const o = new URL(origin);
      const a = splitAuthority(o.host);
      same = a.host === host && (a.port || (o.protocol === "https:" ? "443" : "80")) === (port || "80");
    } catch {
      same = false;
    }
    if (!same) {
      throw new ApiError(
        403,
        `forbidden: a ${request.method} from the web page at ${JSON.stringify(origin)} (another origin)`,
      );
    }
  }
}
