// `driftline serve`: the API, the web page and the worker in one process. With no configuration every
// service is embedded (PGlite, a queue table, local files under ./data); DATABASE_URL, REDIS_URL and
// S3_ENDPOINT switch each one to the real service.
import path from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { ConfigError, loadConfig, type WorkerConfig } from "../service/config.js";
import {
  defaultForcingDir,
  isLoopback,
  type RunningServer,
  startServer,
  type WorkerStarter,
} from "../service/embedded/app.js";
import { createLogger, type Logger } from "../service/log.js";
import { createWorker } from "../service/worker/worker.js";

const USAGE = `Usage: driftline serve [options]

  --port N            HTTP port (default $PORT or 8080)
  --host HOST         address to listen on (default $HOST or 127.0.0.1)
  --data-dir DIR      embedded database and products (default $DATA_DIR or ./data)
  --forcing-dir DIR   forcing files offered to missions (default $FORCING_DIR or the bundled demo forcing)
  --auth MODE         open | required | auto (default auto: open when embedded and bound to localhost)
  --no-worker         serve the API only; missions wait in the queue
  --log-requests      log every HTTP request

Environment: DATABASE_URL, REDIS_URL, S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY switch to real services;
the worker's variables (MAX_CONCURRENT_JOBS, LOG_LEVEL …) apply as for \`driftline worker\`.
`;

export interface ServeSettings {
  config: WorkerConfig;
  dataDir: string;
  host: string;
  port: number;
  auth: "open" | "required" | "auto";
  worker: boolean;
  logRequests: boolean;
}

/** Reads options and environment; throws an Error naming the bad option. */
export function serveSettings(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): ServeSettings {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      "forcing-dir": { type: "string" },
      auth: { type: "string" },
      "no-worker": { type: "boolean" },
      "log-requests": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) throw new HelpRequested();
  const portText = values.port ?? env.PORT ?? "8080";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port/PORT: must be a whole number 0-65535, got ${JSON.stringify(portText)}`);
  }
  const auth = values.auth ?? env.DRIFTLINE_AUTH ?? "auto";
  if (auth !== "open" && auth !== "required" && auth !== "auto") {
    throw new Error(`--auth: must be open, required or auto, got ${JSON.stringify(auth)}`);
  }
  const dataDir = path.resolve(values["data-dir"] ?? env.DATA_DIR ?? "data");
  const forcingDirText = values["forcing-dir"] ?? env.FORCING_DIR;
  const config = loadConfig({
    ...env,
    FORCING_DIR: forcingDirText ?? defaultForcingDir(),
    // Local storage holds no platform forcing bucket: only mirror one when S3 is configured or asked for.
    FORCING_BUCKET: env.FORCING_BUCKET ?? (env.S3_ENDPOINT ? undefined : ""),
    // The embedded queue wakes a claim on push anyway; a short claim lets Ctrl-C stop the worker quickly.
    POLL_INTERVAL: env.POLL_INTERVAL ?? (env.REDIS_URL ? undefined : "1"),
    // The API answers /health; the worker's metrics port only when asked for.
    METRICS_PORT: env.METRICS_PORT ?? "0",
    WORK_DIR: env.WORK_DIR ?? path.join(dataDir, "work"),
  });
  return {
    config,
    dataDir,
    host: values.host ?? env.HOST ?? "127.0.0.1",
    port,
    auth,
    worker: !values["no-worker"],
    logRequests: values["log-requests"] === true,
  };
}

class HelpRequested extends Error {}

/** The worker for serve: the same createWorker as `driftline worker`, on the given services. */
export const startEmbeddedWorker: WorkerStarter = async ({ services, config, logger }) => {
  const worker = createWorker({
    db: services.db,
    queue: services.queue,
    storage: services.storage,
    config,
    logger,
    resultsQueue: services.resultsQueue,
  });
  worker.start();
  return {
    stop: () => worker.stop({ graceMs: config.shutdownGraceSeconds * 1000 }),
  };
};

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  let settings: ServeSettings;
  try {
    settings = serveSettings(args);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(
      `driftline serve: ${(error as Error).message}\n${error instanceof ConfigError ? "" : `\n${USAGE}`}`,
    );
    return 2;
  }
  // Logs (JSON lines) go to stderr; stdout carries the start-up summary.
  const logger: Logger = createLogger(
    { level: settings.config.logLevel, name: "driftline-serve" },
    pino.destination(2),
  );
  let server: RunningServer;
  try {
    server = await startServer({
      config: settings.config,
      dataDir: settings.dataDir,
      host: settings.host,
      port: settings.port,
      logger,
      auth: settings.auth,
      startWorker: settings.worker ? startEmbeddedWorker : undefined,
      logRequests: settings.logRequests,
    });
  } catch (error) {
    process.stderr.write(`driftline serve: cannot start: ${(error as Error).message}\n`);
    return 1;
  }

  const d = server.services.describe;
  const lines = [
    `Driftline is running: ${server.url}`,
    `  API reference  ${server.url}/api/docs`,
    `  database       ${d.database}`,
    `  queue          ${d.queue}`,
    `  products       ${d.storage}`,
    `  forcing        ${settings.config.forcingDir ?? "none configured: missions need on-scene wind and current"}`,
    `  worker         ${settings.worker ? `${settings.config.maxConcurrentJobs} job(s) at a time` : "off (--no-worker): missions wait in the queue"}`,
  ];
  if (server.auth === "open") {
    lines.push(
      isLoopback(settings.host)
        ? "  access         open without an API key: listening on localhost only"
        : `  access         open without an API key on ${settings.host}: anyone who can reach this port can read, create and delete missions`,
    );
  } else {
    lines.push("  access         API key required (Authorization: Bearer <key>)");
    // The key itself never goes to stdout (container logs keep it): it is in a file only its owner reads.
    if (server.createdApiKeyFile)
      lines.push(
        `  new API key    written to ${server.createdApiKeyFile} (mode 0600): read it, then delete the file; more with \`driftline apikey create\``,
      );
  }
  process.stdout.write(`${lines.join("\n")}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(
        `driftline serve: ${signal}, stopping (running jobs get ${settings.config.shutdownGraceSeconds} s)\n`,
      );
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await server.close();
  // Everything is closed; a stray timer (e.g. a shutdown grace timer) must not keep the process alive.
  setTimeout(() => process.exit(0), 1000).unref();
  return 0;
}
