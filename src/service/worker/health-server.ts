// GET /healthz (the process and its loop are alive), /readyz (it can take jobs: database and queue reachable,
// not shutting down) and /metrics (Prometheus) on METRICS_PORT.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

export interface HealthReport {
  ok: boolean;
  [key: string]: unknown;
}

export interface HealthSource {
  liveness(): HealthReport;
  readiness(): Promise<HealthReport>;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: {
  port: number;
  host?: string;
  source: HealthSource;
  registry: Registry;
  log?: Logger;
}): Promise<HealthServer> {
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: string, type = "application/json") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    try {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD")
        return send(405, JSON.stringify({ error: "use GET" }));
      if (path === "/healthz") {
        const r = options.source.liveness();
        return send(r.ok ? 200 : 503, JSON.stringify({ status: r.ok ? "ok" : "unhealthy", ...r }));
      }
      if (path === "/readyz") {
        const r = await options.source.readiness();
        return send(r.ok ? 200 : 503, JSON.stringify({ status: r.ok ? "ready" : "not ready", ...r }));
      }
      if (path === "/metrics") {
        return send(200, await options.registry.metrics(), options.registry.contentType);
      }
      return send(404, JSON.stringify({ error: "not found: use /healthz, /readyz or /metrics" }));
    } catch (err) {
      options.log?.warn({ err: (err as Error).message }, "health endpoint failed");
      send(500, JSON.stringify({ error: "internal error" }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
