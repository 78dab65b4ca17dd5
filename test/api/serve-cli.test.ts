// `driftline serve` options and environment.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { serveSettings } from "../../src/cli/serve.js";
import { defaultForcingDir, PACKAGE_ROOT } from "../../src/service/embedded/app.js";

describe("serveSettings", () => {
  it("defaults to port 8080 on localhost, ./data, the bundled forcing and embedded services", () => {
    const s = serveSettings([], {});
    expect(s).toMatchObject({ port: 8080, host: "127.0.0.1", auth: "auto", worker: true });
    expect(s.dataDir).toBe(path.resolve("data"));
    expect(s.config.forcingDir).toBe(defaultForcingDir());
    expect(s.config.databaseUrl).toBeUndefined();
    expect(s.config.redisUrl).toBeUndefined();
    expect(s.config.s3Endpoint).toBeUndefined();
    expect(s.config.forcingBucket).toBe(""); // no platform bucket to mirror from local files
    expect(s.config.metricsPort).toBe(0);
    expect(s.config.pollIntervalSeconds).toBe(1);
    expect(s.config.workDir).toBe(path.join(path.resolve("data"), "work"));
  });

  it("finds the demo forcing beside the repository", () => {
    expect(defaultForcingDir(PACKAGE_ROOT)).toMatch(/forcing$/);
    expect(defaultForcingDir("/nonexistent/place")).toBeUndefined();
  });

  it("takes options over the environment", () => {
    const s = serveSettings(
      ["--port", "9000", "--host", "0.0.0.0", "--data-dir", "/tmp/x", "--no-worker", "--auth", "required"],
      {
        PORT: "7000",
        FORCING_DIR: "/srv/forcing",
      },
    );
    expect(s).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
      dataDir: "/tmp/x",
      worker: false,
      auth: "required",
    });
    expect(s.config.forcingDir).toBe("/srv/forcing");
  });

  it("switches to the real services when their variables are set", () => {
    const s = serveSettings([], {
      DATABASE_URL: "postgres://u:p@db:5432/driftline",
      REDIS_URL: "redis://redis:6379/0",
      S3_ENDPOINT: "http://minio:9000",
      S3_ACCESS_KEY: "a",
      S3_SECRET_KEY: "b",
    });
    expect(s.config).toMatchObject({
      databaseUrl: "postgres://u:p@db:5432/driftline",
      redisUrl: "redis://redis:6379/0",
      s3Endpoint: "http://minio:9000",
      forcingBucket: "environmental-data",
    });
  });

  it("names the bad option", () => {
    expect(() => serveSettings(["--port", "http"], {})).toThrow(/--port\/PORT: must be a whole number/);
    expect(() => serveSettings(["--auth", "maybe"], {})).toThrow(/--auth: must be open, required or auto/);
    expect(() => serveSettings(["--colour"], {})).toThrow(/colour/);
    expect(() => serveSettings([], { DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
  });
});
