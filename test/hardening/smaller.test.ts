// Issue 24.10 (part): a malformed URL gets the API's JSON error format; the worker's health and metrics
// port binds loopback unless METRICS_HOST says otherwise.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/service/config.js";
import { removeDir, startTestServer } from "../api/helpers.js";

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ worker: false, auth: "open" });
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
});

function get(path: string) {
  return new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
    request({ host: "127.0.0.1", port: server.port, path }, (res) => {
      let text = "";
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: text, type: String(res.headers["content-type"]) }),
      );
    })
      .on("error", reject)
      .end();
  });
}

describe("smaller hardening", () => {
  it("answers a malformed URL with the API's error format", async () => {
    const r = await get("/api/v1/missions/%E0%A4%A");
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/application\/json/);
    expect(JSON.parse(r.body)).toEqual({ error: "malformed URL (bad percent-encoding)" });
  });

  it("binds the metrics port to loopback by default", () => {
    const base = {
      DATABASE_URL: "postgres://u@h/d",
      REDIS_URL: "redis://h:6379",
      S3_ENDPOINT: "http://h:9000",
    };
    expect(loadConfig(base).metricsHost).toBe("127.0.0.1");
    expect(loadConfig({ ...base, METRICS_HOST: "0.0.0.0" }).metricsHost).toBe("0.0.0.0");
  });
});
