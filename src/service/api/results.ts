// Results of a completed mission: the mission_results row, downloads of every product, and the particle
// cloud for the map's time slider.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance } from "fastify";
import { latestResult } from "../db/api-missions.js";
import type { ApiContext } from "./context.js";
import { type DensityGridJson, densityGridFromFile } from "./density-grid.js";
import { ApiError, badRequest } from "./errors.js";
import { loadMission } from "./missions.js";
import { type ParticleCloud, particleCloudFromFile } from "./particle-cloud.js";
import { type Row, resultJson } from "./rows.js";
import {
  DOWNLOAD_FORMATS,
  type DownloadFormat,
  DownloadQuery,
  fieldErrors,
  ParticlesQuery,
} from "./schemas.js";

/** Keys of the mission's stored objects, by file name (particles.nc lives under raw/). */
async function productKeys(ctx: ApiContext, id: string): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const key of await ctx.storage.list(ctx.config.bucket, `${id}/`)) {
    const name = path.posix.basename(key);
    // Prefer the shallowest key when a name occurs twice (raw/particles.nc is the contract's place).
    if (!keys.has(name) || key.split("/").length < keys.get(name)!.split("/").length) keys.set(name, key);
  }
  return keys;
}

function requireCompleted(mission: Row): void {
  if (mission.status !== "completed") {
    const why =
      mission.status === "failed"
        ? `mission failed: ${mission.error_message ?? "no reason recorded"}`
        : `mission is ${mission.status}; results are available when it is completed`;
    throw new ApiError(400, why);
  }
}

/** Small in-memory cache: the cloud of a completed mission never changes. */
const CLOUD_CACHE_SIZE = 8;
/** Positions in one particle-cloud response (sample × times): about 25 MB of JSON at most. */
export const MAX_CLOUD_POINTS = 1_000_000;
/** Positions the cloud cache holds over all its entries. */
const CLOUD_CACHE_POINTS = 4 * MAX_CLOUD_POINTS;

export function registerResultRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const clouds = new CloudCache(CLOUD_CACHE_POINTS);
  const grids = new Map<string, DensityGridJson>();

  // The probability grid (density.nc) per output time, for the map's heat layer.
  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/results/density", async (request) => {
    const mission = await loadMission(ctx, request.caller, request.params.id);
    requireCompleted(mission);
    const id = mission.id as string;
    let grid = grids.get(id);
    if (!grid) {
      const key = (await productKeys(ctx, id)).get("density.nc");
      if (!key) throw new ApiError(404, `mission ${id} has no density.nc`);
      grid = await withLocalCopy(ctx, key, (file) => densityGridFromFile(file));
      grids.set(id, grid);
      if (grids.size > CLOUD_CACHE_SIZE) grids.delete(grids.keys().next().value as string);
    }
    return { data: grid };
  });

  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/results", async (request) => {
    const mission = await loadMission(ctx, request.caller, request.params.id);
    requireCompleted(mission);
    const id = mission.id as string;
    const result = await latestResult(ctx.db, id);
    if (!result) throw new ApiError(404, `mission ${id} is completed but has no results row`);
    const keys = await productKeys(ctx, id);
    const downloads = (Object.keys(DOWNLOAD_FORMATS) as DownloadFormat[])
      .filter((format) => keys.has(DOWNLOAD_FORMATS[format].file))
      .map((format) => ({
        format,
        label: DOWNLOAD_FORMATS[format].label,
        file: DOWNLOAD_FORMATS[format].file,
        url: `/api/v1/missions/${id}/results/download?format=${format}`,
      }));
    return { data: { ...resultJson(result), downloads } };
  });

  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/results/download", async (request, reply) => {
    const parsed = DownloadQuery.safeParse(request.query);
    if (!parsed.success) throw badRequest("invalid download request", fieldErrors(parsed.error));
    const mission = await loadMission(ctx, request.caller, request.params.id);
    requireCompleted(mission);
    const id = mission.id as string;
    const product = DOWNLOAD_FORMATS[parsed.data.format];
    const key = (await productKeys(ctx, id)).get(product.file);
    if (!key) throw new ApiError(404, `mission ${id} has no ${product.file} (format ${parsed.data.format})`);
    const filename = `${slug(String(mission.name ?? "mission"))}-${id.slice(0, 8)}-${product.file}`;
    reply
      .header("content-type", product.type)
      .header("content-disposition", `attachment; filename="${filename}"`)
      .header("cache-control", "private, max-age=3600");
    // Streamed from storage: 24 parallel downloads of a 54 MB product held 2 GB when each was read whole.
    if (ctx.storage.openRead) {
      const { body, size } = await ctx.storage.openRead(ctx.config.bucket, key);
      if (size !== undefined) reply.header("content-length", size);
      return reply.send(body);
    }
    const body = await ctx.storage.get(ctx.config.bucket, key);
    reply.header("content-length", body.byteLength);
    return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });

  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/results/particles", async (request) => {
    const parsed = ParticlesQuery.safeParse(request.query);
    if (!parsed.success) throw badRequest("invalid query", fieldErrors(parsed.error));
    const mission = await loadMission(ctx, request.caller, request.params.id);
    requireCompleted(mission);
    const id = mission.id as string;
    const cacheKey = `${id}:${parsed.data.max}`;
    const cloud = await clouds.get(cacheKey, async () => {
      const key = (await productKeys(ctx, id)).get("particles.nc");
      if (!key) throw new ApiError(404, `mission ${id} has no particles.nc`);
      return await withLocalCopy(ctx, key, (file) =>
        particleCloudFromFile(file, parsed.data.max, MAX_CLOUD_POINTS),
      );
    });
    return { data: cloud };
  });
}

/**
 * Particle clouds by mission and sample size, bounded by the positions they hold. Requests for a cloud being
 * computed wait for that computation, and one cloud is computed at a time (each reads the whole
 * particles.nc): parallel requests neither multiply the memory nor hold the event loop in turn.
 */
class CloudCache {
  private readonly done = new Map<string, { cloud: ParticleCloud; points: number }>();
  private readonly pending = new Map<string, Promise<ParticleCloud>>();
  private queue: Promise<unknown> = Promise.resolve();
  private points = 0;

  constructor(private readonly maxPoints: number) {}

  get(key: string, compute: () => Promise<ParticleCloud>): Promise<ParticleCloud> {
    const hit = this.done.get(key);
    if (hit) return Promise.resolve(hit.cloud);
    let run = this.pending.get(key);
    if (!run) {
      run = this.queue.then(compute).then((cloud) => {
        this.store(key, cloud);
        return cloud;
      });
      this.queue = run.catch(() => undefined);
      this.pending.set(key, run);
      const forget = () => this.pending.delete(key);
      run.then(forget, forget);
    }
    return run;
  }

  private store(key: string, cloud: ParticleCloud): void {
    const points = cloud.sampleCount * cloud.times.length;
    if (points > this.maxPoints) return;
    this.done.set(key, { cloud, points });
    this.points += points;
    for (const [k, v] of this.done) {
      if (this.points <= this.maxPoints && this.done.size <= CLOUD_CACHE_SIZE) break;
      this.done.delete(k);
      this.points -= v.points;
    }
  }
}

function slug(name: string): string {
  return (
    name
      .normalize("NFKD")
      .replace(/[^\w\s-]/g, "")
      .trim()
      .replace(/[\s_]+/g, "-")
      .toLowerCase()
      .slice(0, 40) || "mission"
  );
}

/** Runs fn on a local path of the object: the file itself for local storage, else a temporary copy. */
async function withLocalCopy<T>(ctx: ApiContext, key: string, fn: (file: string) => Promise<T>): Promise<T> {
  const local = (ctx.storage as { pathOf?: (bucket: string, key: string) => string }).pathOf;
  if (local) return fn(local.call(ctx.storage, ctx.config.bucket, key));
  const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-cloud-"));
  try {
    const file = path.join(dir, path.posix.basename(key));
    if (ctx.storage.openRead) {
      const { body } = await ctx.storage.openRead(ctx.config.bucket, key);
      await pipeline(body, createWriteStream(file));
    } else {
      await writeFile(file, await ctx.storage.get(ctx.config.bucket, key));
    }
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
