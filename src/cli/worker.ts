// `driftline worker`: the platform's drift worker. Configured by environment variables (see --help);
// SIGTERM/SIGINT stop it gracefully (exit 0), a second signal exits at once.

import { prefetchOptionsFromEnv, startPrefetchSchedule } from "../forcing/providers/prefetch.js";
import { migrateWhenReady, openServices, type Services } from "../service/adapters.js";
import { CONFIG_VARIABLES, ConfigError, describeConfig, loadConfig } from "../service/config.js";
import { errorMessage } from "../service/errors.js";
import { createLogger } from "../service/log.js";
import { type HealthServer, startHealthServer } from "../service/worker/health-server.js";
import { WorkerMetrics } from "../service/worker/metrics.js";
import { createWorker } from "../service/worker/worker.js";

export function usage(): string {
  const width = Math.max(...CONFIG_VARIABLES.map((v) => v.name.length));
  const lines = CONFIG_VARIABLES.map(
    (v) => `  ${v.name.padEnd(width)}  ${v.required ? "(required)" : `[${v.default}]`} ${v.meaning}`,
  );
  return `usage: driftline worker\n\nTakes drift jobs from Redis, runs them, stores products in S3 and mission rows in PostgreSQL.\nOptions:\n  -h, --help  this help\nEnvironment:\n${lines.join("\n")}\n`;
}

export async function run(args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write(`driftline worker: unexpected arguments ${args.join(" ")}\n${usage()}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, { require: ["database", "redis", "s3"] });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`driftline worker: ${err.message}\n`);
    return 2;
  }
  const log = createLogger({ level: config.logLevel, workerId: config.workerId });
  log.info({ config: describeConfig(config) }, "driftline worker starting");

  const stopping = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log.warn(
        { signal },
        "second signal: exiting now (running jobs return to the queue when their lease expires)",
      );
      process.exit(130);
    }
    log.info({ signal }, "signal received: shutting down");
    stopping.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  let services: Services | undefined;
  let health: HealthServer | undefined;
  try {
    // No data directory: every service is the configured real one (checked by loadConfig above).
    services = await openServices(config, { log, maxConnections: config.maxConcurrentJobs + 3 });
    const { db, queue, storage, resultsQueue } = services;
    if (!(await migrateWhenReady(db, log, stopping.signal))) return 0;
    const metrics = new WorkerMetrics({ queue, defaultMetrics: true });
    const worker = createWorker({ db, queue, storage, config, logger: log, metrics, resultsQueue });
    if (config.metricsPort > 0) {
      try {
        health = await startHealthServer({
          port: config.metricsPort,
          host: config.metricsHost,
          source: worker,
          registry: metrics.registry,
          log,
        });
        log.info({ port: health.port }, "health and metrics on /healthz, /readyz, /metrics");
      } catch (err) {
        log.error(
          { err: errorMessage(err), port: config.metricsPort },
          "cannot serve health and metrics; continuing without",
        );
      }
    }
    worker.start();
    // Optional pre-fetch of forecasts for an operator's area of responsibility (FORCING_PREFETCH_*).
    const prefetch = prefetchOptionsFromEnv();
    const schedule = prefetch
      ? startPrefetchSchedule({
          ...prefetch,
          forcingDir: config.forcingDir,
          onResult: (r) => log.info({ prefetch: r.provenance }, "forecasts pre-fetched"),
          onError: (err) =>
            log.warn({ err: errorMessage(err) }, "pre-fetch failed; retrying at the next interval"),
        })
      : undefined;
    stopping.signal.addEventListener("abort", () => schedule?.stop(), { once: true });
    if (stopping.signal.aborted) void worker.stop();
    else stopping.signal.addEventListener("abort", () => void worker.stop(), { once: true });
    await worker.stopped;
    return 0;
  } catch (err) {
    log.fatal({ err }, "worker cannot start");
    return 1;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    await health?.close();
    await services?.close();
    log.flush();
  }
}
