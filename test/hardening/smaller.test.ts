// Issue 24.10: a malformed URL gets the API's JSON error format; the worker's health and metrics port binds
// loopback unless METRICS_HOST says otherwise; the forcing index cache lives in this user's cache directory
// and is written atomically, never through a planted link; `serve --auth required` writes its first key to
// a 0600 file instead of stdout; open mode on 0.0.0.0 does not call itself "open on localhost".
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultIndexFiles, scanCatalog } from "../../src/forcing/catalog.js";
import { loadConfig } from "../../src/service/config.js";
import { BUNDLED_FORCING, removeDir, startTestServer } from "../api/helpers.js";

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

  it("keeps the forcing index in the user's cache directory, written atomically, not through a link", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "driftline-index-"));
    const saved = process.env.DRIFTLINE_CACHE_DIR;
    try {
      const forcing = path.join(tmp, "forcing");
      mkdirSync(forcing);
      copyFileSync(path.join(BUNDLED_FORCING, "Nordic_subset.nc"), path.join(forcing, "Nordic_subset.nc"));
      process.env.DRIFTLINE_CACHE_DIR = path.join(tmp, "cache");
      const [index] = defaultIndexFiles(path.resolve(forcing));
      expect(path.dirname(index)).toBe(path.join(tmp, "cache"));
      // A link planted where the index goes: it is neither trusted nor written through.
      const victim = path.join(tmp, "victim.txt");
      writeFileSync(victim, "keep me");
      mkdirSync(path.dirname(index), { recursive: true });
      symlinkSync(victim, index);
      const first = await scanCatalog(forcing);
      expect(first.scanned).toBe(1);
      expect(first.indexFile).toBe(index);
      expect(readFileSync(victim, "utf8")).toBe("keep me");
      expect(lstatSync(index).isFile()).toBe(true);
      expect(readdirSync(path.dirname(index)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
      expect((await scanCatalog(forcing)).scanned).toBe(0); // the index is read back
      process.env.DRIFTLINE_CACHE_DIR = "off";
      expect(defaultIndexFiles(forcing)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.DRIFTLINE_CACHE_DIR;
      else process.env.DRIFTLINE_CACHE_DIR = saved;
      removeDir(tmp);
    }
  });

  it("writes the first API key of `serve --auth required` to a 0600 file, and says open mode's host", async () => {
    const required = await startTestServer({ worker: false, auth: "required", forcingDir: null });
    try {
      const file = required.createdApiKeyFile as string;
      expect(file).toBe(path.join(required.dataDir, "first-api-key.txt"));
      expect(readFileSync(file, "utf8").trim()).toBe(required.createdApiKey);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      await required.close();
      removeDir(required.dataDir);
    }
    const health = await get("/api/v1/health");
    expect(JSON.parse(health.body).mode).toBe("embedded · open on localhost");
  });

  it("publishes no MinIO with default credentials in docker-compose.yml", () => {
    const compose = readFileSync(path.resolve(import.meta.dirname, "../../docker-compose.yml"), "utf8");
    expect(compose).not.toMatch(/minioadmin/);
    for (const v of ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"]) expect(compose).toContain(`\${${v}:?`);
    expect(compose).toMatch(/- "127\.0\.0\.1:9000:9000"/);
  });
});
