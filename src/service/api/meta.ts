// Routes about the service rather than one mission: health, object types and coastline (public), forcing
// coverage (for callers with a key).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { OBJECT_NAME_MAP } from "../../core/objects.js";
import { userForKey } from "../db/api-keys.js";
import { presentedKey } from "./auth.js";
import type { ApiContext } from "./context.js";
import { badRequest } from "./errors.js";
import { BboxQuery, fieldErrors, objectTypeListing, PointQuery } from "./schemas.js";

export function registerPublicMetaRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const health = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await ctx.db.query("SELECT 1");
      const queue = await ctx.queue.stats();
      // Version, mode and queue depth only for callers who may use the API: anyone else learns "healthy".
      const key = presentedKey(request.headers);
      const known =
        ctx.config.auth === "open" || (key !== undefined && Boolean(await userForKey(ctx.db, key)));
      if (!known) return { status: "healthy" };
      return { status: "healthy", version: ctx.config.version, mode: ctx.config.modeText ?? null, queue };
    } catch (error) {
      request.log.warn({ err: (error as Error).message }, "health check failed");
      reply.code(503);
      return { status: "unhealthy", error: "the database or the queue does not answer" };
    }
  };
  app.get("/api/v1/health", health);
  app.get("/health", health);

  const listing = objectTypeListing(OBJECT_NAME_MAP);
  const commonNames = Object.entries(OBJECT_NAME_MAP).map(([name, id]) => ({ name, id }));
  app.get("/api/v1/object-types", async () => ({ data: listing, commonNames, total: 85 }));

  app.get("/api/v1/coastline", async (request, reply) => {
    const parsed = BboxQuery.safeParse(request.query);
    if (!parsed.success) throw badRequest("invalid coastline request", fieldErrors(parsed.error));
    const collection = ctx.coastline
      ? await ctx.coastline(parsed.data.bbox, parsed.data.zoom)
      : { type: "FeatureCollection", features: [] };
    reply.header("cache-control", "public, max-age=86400").header("content-type", "application/geo+json");
    return collection;
  });

  // The land mask a run uses (GSHHG full resolution): the form warns before a release on land.
  app.get("/api/v1/coastline/land", async (request, reply) => {
    const parsed = PointQuery.safeParse(request.query);
    if (!parsed.success) throw badRequest("invalid position", fieldErrors(parsed.error));
    const { lat, lon } = parsed.data;
    const wrapped = lon - 360 * Math.floor((lon + 180) / 360);
    const answer = ctx.coastline?.land ? await ctx.coastline.land(lat, wrapped) : null;
    reply.header("cache-control", "public, max-age=86400");
    return {
      data: answer
        ? { lat, lon: wrapped, ...answer }
        : { lat, lon: wrapped, land: null, nearestSea: null, note: "no shoreline on this server" },
    };
  });
}

export function registerForcingRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get("/api/v1/forcing/coverage", async () => {
    const data = ctx.forcingCoverage ? await ctx.forcingCoverage.files() : [];
    const overlaps = ctx.forcingCoverage ? await ctx.forcingCoverage.overlaps() : [];
    return { data, overlaps, forcingDir: ctx.config.forcingDir ?? null };
  });
}
