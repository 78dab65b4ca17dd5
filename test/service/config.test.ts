import { describe, expect, it } from "vitest";
import {
  CONFIG_VARIABLES,
  ConfigError,
  describeConfig,
  formatConfigTable,
  loadConfig,
  redactUrl,
} from "../../src/service/config.js";
import { redactText } from "../../src/service/log.js";

const SERVICES = {
  DATABASE_URL: "postgres://driftline:s3cret@db:5432/driftline",
  REDIS_URL: "redis://redis:6379/0",
  S3_ENDPOINT: "http://minio:9000",
  S3_ACCESS_KEY: "minio",
  S3_SECRET_KEY: "minio-secret",
};
const ALL = { require: ["database", "redis", "s3"] as ("database" | "redis" | "s3")[] };

describe("worker configuration", () => {
  it("applies the contract's defaults", () => {
    const c = loadConfig(SERVICES, ALL);
    expect(c.maxConcurrentJobs).toBe(2);
    expect(c.queueName).toBe("drift_jobs");
    expect(c.pollIntervalSeconds).toBe(5);
    expect(c.logLevel).toBe("info");
    expect(c.resultsQueue).toBeUndefined();
    expect(c.maxAttempts).toBe(3);
    expect(c.shutdownGraceSeconds).toBe(60);
    expect(c.s3Region).toBe("us-east-1");
    expect(c.resultsBucket).toBe("driftline-results");
    expect(c.forcingBucket).toBe("environmental-data");
    expect(c.workerId).toMatch(/-\d+$/);
  });

  it("lists every missing or malformed variable in one error", () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(
        {
          REDIS_URL: "http://wrong",
          MAX_CONCURRENT_JOBS: "two",
          POLL_INTERVAL: "-1",
          LOG_LEVEL: "loud",
          MAX_ATTEMPTS: "0",
          DRIFTLINE_KERNELS: "fast",
        },
        ALL,
      );
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error?.message ?? "";
    for (const name of [
      "DATABASE_URL",
      "S3_ENDPOINT",
      "S3_ACCESS_KEY",
      "S3_SECRET_KEY",
      "REDIS_URL",
      "MAX_CONCURRENT_JOBS",
      "POLL_INTERVAL",
      "LOG_LEVEL",
      "MAX_ATTEMPTS",
      "DRIFTLINE_KERNELS",
    ]) {
      expect(text).toContain(name);
    }
    expect(error?.problems.length).toBe(10);
    expect(text).toContain('must be a number (got "two")');
  });

  it("accepts the usual log level names in any case", () => {
    const level = (v: string) => loadConfig({ LOG_LEVEL: v }).logLevel;
    expect(level("INFO")).toBe("info");
    expect(level("Debug")).toBe("debug");
    expect(level("WARNING")).toBe("warn");
    expect(level("warn")).toBe("warn");
    expect(level("ERROR")).toBe("error");
    expect(level("CRITICAL")).toBe("fatal");
  });

  it("treats empty values as unset, except FORCING_BUCKET which an empty value disables", () => {
    const c = loadConfig({ ...SERVICES, MAX_CONCURRENT_JOBS: "", QUEUE_NAME: " ", FORCING_BUCKET: "" }, ALL);
    expect(c.maxConcurrentJobs).toBe(2);
    expect(c.queueName).toBe("drift_jobs");
    expect(c.forcingBucket).toBe("");
  });

  it("never shows secrets", () => {
    const c = loadConfig(SERVICES, ALL);
    const shown = JSON.stringify(describeConfig(c));
    expect(shown).not.toContain("s3cret");
    expect(shown).not.toContain("minio-secret");
    expect(redactUrl("redis://:hunter2@redis:6379/0")).not.toContain("hunter2");
    expect(redactText("connect to postgres://u:pw@db/x failed")).toBe(
      "connect to postgres://u:***@db/x failed",
    );
    try {
      loadConfig({ DATABASE_URL: "mysql://u:topsecret@x/y" }, ALL);
    } catch (e) {
      expect((e as Error).message).not.toContain("topsecret");
    }
  });

  it("documents every variable it reads", () => {
    const table = formatConfigTable();
    for (const v of CONFIG_VARIABLES) expect(table).toContain(`\`${v.name}\``);
    expect(CONFIG_VARIABLES.filter((v) => v.required).map((v) => v.name)).toEqual(Object.keys(SERVICES));
  });
});
