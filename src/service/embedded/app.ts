// One process with everything: services (embedded or real), migrations, the HTTP API with the web page,
// and the drift worker. `driftline serve` and the tests start it through startServer().
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { SOFTWARE_VERSION } from "../../version.js";
import { openServices, type Services } from "../adapters.js";
import { type CoastlineTiles, coastlineTiles } from "../api/coastline-tiles.js";
import type { ApiDeps } from "../api/context.js";
import { forcingCoverageProvider } from "../api/forcing-coverage.js";
import { buildApi } from "../api/server.js";
import type { WorkerConfig } from "../config.js";
import { API_MIGRATIONS, countApiKeys, createApiKey } from "../db/api-keys.js";
import { migrate } from "../db/migrations.js";
import type { Logger } from "../log.js";
import { expireMissions, scheduleRetention } from "../retention.js";
import { removeJobDirs } from "../worker/scratch.js";

/** The repository (or installed package) root: web/, data-bundled/ … live there. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The bundled demo forcing, first that exists: data-bundled/forcing, forcing/, ../shared/data/forcing. */
export function defaultForcingDir(root = PACKAGE_ROOT): string | undefined {
  const candidates = [
    path.join(root, "data-bundled", "forcing"),
    path.join(root, "forcing"),
    path.join(root, "..", "shared", "data", "forcing"),
  ];
  return candidates.find((dir) => existsSync(dir));
}

export interface RunningWorker {
  stop(): Promise<void>;
}

/** Starts the drift worker on the given services; injected so that the API can run without one. */
export type WorkerStarter = (deps: {
  services: Services;
  config: WorkerConfig;
  logger: Logger;
}) => Promise<RunningWorker>;

export interface ServerOptions {
  config: WorkerConfig;
  /** Embedded data: <dataDir>/pg and <dataDir>/products. */
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** Starts the worker; omit to run the API alone (jobs wait in the queue). */
  startWorker?: WorkerStarter;
  /** "auto": open when embedded and bound to a loopback address, else required. */
  auth?: "open" | "required" | "auto";
  webDir?: string;
  /** Forcing coverage for the page; default: the catalog of config.forcingDir. */
  forcingCoverage?: ApiDeps["forcingCoverage"];
  /** Log HTTP requests (Fastify logger). */
  logRequests?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  services: Services;
  auth: "open" | "required";
  /** A key created at start-up because none existed (required mode), shown once. */
  createdApiKey?: string;
  /** Where that key was written (mode 0600), for `serve` to say so instead of printing the key. */
  createdApiKeyFile?: string;
  close(): Promise<void>;
}

/**
 * Writes the first API key to <dataDir>/first-api-key.txt, readable by its owner only (created exclusively:
 * never through a planted file or link); returns the path.
 */
function writeKeyFile(dataDir: string, key: string): string {
  const file = path.join(dataDir, "first-api-key.txt");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  rmSync(file, { force: true });
  writeFileSync(file, `${key}\n`, { flag: "wx", mode: 0o600 });
  return file;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const services = await openServices(config, {
    dataDir: options.dataDir,
    log: logger,
    applicationName: "driftline-serve",
  });
  let worker: RunningWorker | undefined;
  let app: FastifyInstance | undefined;
  let coastline: CoastlineTiles | undefined;
  let retention: ReturnType<typeof scheduleRetention> | undefined;
  try {
    await services.storage.ensureBucket(config.resultsBucket);
    // The only process of this data directory: job directories left in WORK_DIR are a killed run's.
    if (services.embedded) {
      const n = await removeJobDirs(config.workDir);
      if (n > 0)
        logger.info({ dirs: n, work_dir: config.workDir }, "removed work directories of killed jobs");
    }
    await migrate(services.db, API_MIGRATIONS);

    const mode = options.auth ?? "auto";
    const auth =
      mode === "auto" ? (services.embedded && isLoopback(options.host) ? "open" : "required") : mode;
    let createdApiKey: string | undefined;
    let createdApiKeyFile: string | undefined;
    if (auth === "required" && (await countApiKeys(services.db)) === 0) {
      createdApiKey = (await createApiKey(services.db, { name: "created by driftline serve" })).key;
      createdApiKeyFile = writeKeyFile(options.dataDir, createdApiKey);
    }

    const d = services.describe;
    coastline = coastlineTiles();
    app = await buildApi({
      db: services.db,
      queue: services.queue,
      storage: services.storage,
      config: {
        bucket: config.resultsBucket,
        auth,
        bindHost: options.host,
        forcingDir: config.forcingDir,
        webDir: options.webDir ?? path.join(PACKAGE_ROOT, "web"),
        version: SOFTWARE_VERSION,
        limits: {
          ratePerMinute: config.rateLimitPerMinute,
          maxQueuedPerKey: config.maxQueuedPerKey,
          maxQueuedWorkPerKey: config.maxQueuedWorkPerKey,
          maxQueueDepth: config.maxQueueDepth,
          maxParticleSteps: config.maxParticleSteps,
        },
        modeText: `${services.embedded ? "embedded" : "connected"} · ${auth === "required" ? "API key required" : isLoopback(options.host) ? "open on localhost" : `open without a key on ${options.host}`}`,
      },
      coastline,
      forcingCoverage:
        options.forcingCoverage ??
        (config.forcingDir ? forcingCoverageProvider(config.forcingDir, logger) : undefined),
      logger: options.logRequests ? { level: "info" } : false,
    });
    logger.debug({ database: d.database, queue: d.queue, storage: d.storage }, "services");

    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : options.port;
    const shownHost = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host;
    const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;

    if (options.startWorker) worker = await options.startWorker({ services, config, logger });
    const days = config.resultsRetentionDays;
    retention =
      days === undefined
        ? undefined
        : scheduleRetention(() =>
            expireMissions(services.db, services.storage, config.resultsBucket, days, logger),
          );

    let closed = false;
    const running: RunningServer = {
      url,
      port,
      app,
      services,
      auth,
      createdApiKey,
      createdApiKeyFile,
      async close() {
        if (closed) return;
        closed = true;
        retention?.stop();
        // Stop taking work first, then stop serving, then close the services under both.
        await worker
          ?.stop()
          .catch((error: unknown) => logger.error({ err: error }, "worker did not stop cleanly"));
        await app?.close().catch(() => undefined);
        await coastline?.close().catch(() => undefined);
        await services.close();
      },
    };
    return running;
  } catch (error) {
    retention?.stop();
    await worker?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await coastline?.close().catch(() => undefined);
    await services.close();
    throw error;
  }
}
