// Mission routes: create (insert as created → enqueue → queued), list, get, delete, status, live events.
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { findObjectCategory } from "../../core/objects.js";
import { deleteMission, failUnqueued, findMission, listMissions, markQueued } from "../db/api-missions.js";
import { insertMission } from "../db/missions.js";
import { deleteProducts } from "../retention.js";
import { checkCost } from "./admission.js";
import type { Caller } from "./auth.js";
import type { ApiContext } from "./context.js";
import { ApiError, badRequest, missionId, notFound } from "./errors.js";
import { forcingGap } from "./forcing-coverage.js";
import { particlesOnLand } from "./release-sample.js";
import { missionJson, type Row, statusJson } from "./rows.js";
import {
  fieldErrors,
  ListQuery,
  MissionCreate,
  type MissionCreateBody,
  scenarioParams,
  vectorComponents,
} from "./schemas.js";

/** The job's `forcing` for a forcing ensemble: one member per file, the on-scene value (if any) behind each. */
function ensembleForcing(m: MissionCreateBody): Record<string, unknown> {
  const e = m.forcingEnsemble!;
  const onScene = e.variable === "wind" ? m.onSceneWind : m.onSceneCurrent;
  const constant = onScene ? { constant: vectorComponents(onScene, e.variable) } : null;
  return {
    [e.variable]: {
      ensemble: e.files.map((f) => (constant ? [{ files: [f] }, constant] : { files: [f] })),
      ...(e.weights ? { weights: e.weights } : {}),
    },
  };
}

/** The contract's job JSON plus this project's extensions (snake_case, as producers push it). */
export function jobFor(
  id: string,
  m: MissionCreateBody,
): { mission_id: string; params: Record<string, unknown> } {
  const category = findObjectCategory(m.objectType);
  const params: Record<string, unknown> = {
    latitude: m.lastKnownLat,
    longitude: m.lastKnownLon,
    start_time: new Date(m.lastKnownTime).toISOString().replace(".000Z", "Z"),
    duration_hours: m.forecastHours,
    num_particles: m.particleCount,
    time_step_seconds: m.timeStepSeconds,
    object_type: category.id,
    uncertainty_radius_m: m.uncertaintyRadiusM,
  };
  if (m.backtracking) params.backtracking = true;
  if (m.onSceneWind) params.wind = vectorComponents(m.onSceneWind, "wind");
  if (m.onSceneCurrent) params.current = vectorComponents(m.onSceneCurrent, "current");
  if (m.currentCorrection) params.current_bias = m.currentCorrection;
  if (m.release) {
    const r = m.release;
    if (r.endLat !== undefined && r.endLon !== undefined) {
      params.end_latitude = r.endLat;
      params.end_longitude = r.endLon;
    }
    if (r.endTime) params.end_time = new Date(r.endTime).toISOString().replace(".000Z", "Z");
    if (r.endRadiusM !== undefined) params.end_uncertainty_radius_m = r.endRadiusM;
  }
  if (m.randomSeed !== undefined) params.random_seed = m.randomSeed;
  if (m.compatibility !== undefined) params.compatibility = m.compatibility;
  if (m.forcingEnsemble) params.forcing = ensembleForcing(m);
  if (m.scenarios) params.scenarios = scenarioParams(m.scenarios);
  return { mission_id: id, params };
}

/**
 * A run the configured forcing files cover only in part would end "completed" with particles that stopped
 * where the data end: refused (400 naming the field and the covered window) unless the caller allows it.
 * Variables given on scene, and servers that fetch forecasts, need no files.
 */
async function refuseUncoveredRun(ctx: ApiContext, m: MissionCreateBody): Promise<void> {
  if (!ctx.forcingCoverage || process.env.FORCING_PROVIDERS || process.env.FORCING_PROVIDERS_CONFIG) return;
  const files = await ctx.forcingCoverage.files();
  if (files.length === 0) return;
  const t0 = Date.parse(m.lastKnownTime);
  const t1 = t0 + (m.backtracking ? -1 : 1) * m.forecastHours * 3_600_000;
  const problems: { field: string; message: string }[] = [];
  for (const variable of ["wind", "current"] as const) {
    if (variable === "wind" ? m.onSceneWind : m.onSceneCurrent) continue;
    const gap = forcingGap(files, variable, m.lastKnownLat, m.lastKnownLon, t0, t1);
    if (gap) problems.push(gap);
    // Each scenario released elsewhere or later must be covered too, from its release to the end.
    m.scenarios?.forEach((s, k) => {
      const lat = s.lastKnownLat ?? s.polygon?.[0][1];
      const lon = s.lastKnownLon ?? s.polygon?.[0][0];
      const start = s.lastKnownTime ? Date.parse(s.lastKnownTime) : t0;
      if (lat === undefined || lon === undefined) return;
      if (lat === m.lastKnownLat && lon === m.lastKnownLon && start === t0) return;
      const own = forcingGap(files, variable, lat, lon, start, t1);
      if (own) problems.push({ field: `scenarios.${k}.lastKnownLat`, message: own.message });
    });
  }
  if (problems.length > 0) throw badRequest("the forcing data do not cover this mission", problems);
}

/** Inserts the mission as `created`, pushes its job and moves it to `queued`; returns its id. */
async function createAndQueue(
  ctx: ApiContext,
  userId: string,
  m: MissionCreateBody,
  config: Record<string, unknown>,
  priority: boolean,
): Promise<string> {
  const category = findObjectCategory(m.objectType);
  const id = await insertMission(ctx.db, {
    userId,
    name: m.name,
    description: m.description ?? null,
    lastKnownLat: m.lastKnownLat,
    lastKnownLon: m.lastKnownLon,
    lastKnownTime: new Date(m.lastKnownTime).toISOString(),
    objectType: typeof m.objectType === "number" ? category.key : m.objectType,
    uncertaintyRadiusM: m.uncertaintyRadiusM,
    forecastHours: m.forecastHours,
    ensembleSize: m.particleCount,
    config,
    status: "created",
    jobId: randomUUID(),
  });
  const job = jobFor(id, m);
  try {
    await ctx.queue.push(JSON.stringify(job), priority ? { priority: true } : undefined);
  } catch (error) {
    await failUnqueued(ctx.db, id, `could not enqueue the job: ${(error as Error).message}`);
    throw new ApiError(503, `mission ${id} stored but the job queue is unavailable; try again`);
  }
  // The worker may already have picked it up (embedded mode): only move created → queued.
  await markQueued(ctx.db, id);
  return id;
}

export async function loadMission(ctx: ApiContext, caller: Caller, rawId: string): Promise<Row> {
  const id = missionId(rawId);
  const row = await findMission(ctx.db, id, caller.seesAll ? null : caller.userId);
  if (!row) throw notFound(`mission ${id} not found`);
  return row;
}

export function registerMissionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post("/api/v1/missions", async (request, reply) => {
    if (request.body === null || typeof request.body !== "object" || Array.isArray(request.body)) {
      throw badRequest("request body must be a JSON object", [
        { field: "(body)", message: "expected an object" },
      ]);
    }
    const parsed = MissionCreate.safeParse(request.body);
    if (!parsed.success) throw badRequest("invalid mission", fieldErrors(parsed.error));
    const m = parsed.data;
    const category = findObjectCategory(m.objectType);
    const config: Record<string, unknown> = { object_type_id: category.id, backtracking: m.backtracking };
    if (m.onSceneWind) config.on_scene_wind = m.onSceneWind;
    if (m.onSceneCurrent) config.on_scene_current = m.onSceneCurrent;
    if (m.currentCorrection) config.current_bias = m.currentCorrection;
    if (m.release) config.release = m.release;
    if (m.forcingEnsemble) config.forcing = ensembleForcing(m);
    if (m.randomSeed !== undefined) config.random_seed = m.randomSeed;
    if (m.compatibility !== undefined) config.compatibility = m.compatibility;
    if (m.scenarios) config.scenarios = scenarioParams(m.scenarios);
    config.time_step_seconds = m.timeStepSeconds;
    if (m.allowPartial) config.allow_partial = true;
    else await refuseUncoveredRun(ctx, m);
    const cost = checkCost(
      {
        particles: m.particleCount,
        forecastHours: m.forecastHours,
        timeStepSeconds: m.timeStepSeconds,
        particlesOnLand: await particlesOnLand(ctx, m),
      },
      ctx.admission.limits,
    );
    const id = await ctx.admission.admit(request.caller.userId, cost, (priority) =>
      createAndQueue(ctx, request.caller.userId, m, config, priority),
    );
    const mission = await loadMission(ctx, request.caller, id);
    reply.code(201).header("location", `/api/v1/missions/${id}`);
    return { data: missionJson(mission) };
  });

  app.get("/api/v1/missions", async (request) => {
    const parsed = ListQuery.safeParse(request.query);
    if (!parsed.success) throw badRequest("invalid query", fieldErrors(parsed.error));
    const { page, perPage, status } = parsed.data;
    const caller = request.caller;
    const { rows, total } = await listMissions(ctx.db, {
      ownerId: caller.seesAll ? null : caller.userId,
      status,
      limit: perPage,
      offset: (page - 1) * perPage,
    });
    return { data: rows.map(missionJson), total, page, perPage };
  });

  app.get<{ Params: { id: string } }>("/api/v1/missions/:id", async (request) => {
    return { data: missionJson(await loadMission(ctx, request.caller, request.params.id)) };
  });

  app.delete<{ Params: { id: string } }>("/api/v1/missions/:id", async (request) => {
    const mission = await loadMission(ctx, request.caller, request.params.id);
    const id = mission.id as string;
    await deleteMission(ctx.db, id);
    let removed = 0;
    try {
      removed = await deleteProducts(ctx.storage, ctx.config.bucket, id);
    } catch (error) {
      request.log.warn({ err: error, mission_id: id }, "could not delete all products of a deleted mission");
    }
    return { data: { id, deleted: true, productsDeleted: removed } };
  });

  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/status", async (request) => {
    return { data: statusJson(await loadMission(ctx, request.caller, request.params.id)) };
  });

  // Server-Sent Events: the mission's status and progress whenever they change, until it ends.
  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/events", async (request, reply) => {
    const first = await loadMission(ctx, request.caller, request.params.id);
    const id = first.id as string;
    let last = "";
    let beats = 0;
    let closed = false;
    const res = reply.raw;
    const finish = () => {
      closed = true;
      stop?.();
      res.end();
    };
    const send = (row: Row | undefined) => {
      if (closed) return;
      if (!row) {
        res.write(`event: deleted\ndata: ${JSON.stringify({ id })}\n\n`);
        finish();
        return;
      }
      const status = statusJson(row);
      const text = JSON.stringify(status);
      if (text !== last) {
        last = text;
        res.write(`event: status\ndata: ${text}\n\n`);
      } else if (++beats % 15 === 0) {
        res.write(": keep-alive\n\n");
      }
      if (status.status === "completed" || status.status === "failed") finish();
    };
    const onError = (message: string) => {
      if (!closed) res.write(`event: error\ndata: ${JSON.stringify({ error: message })}\n\n`);
    };
    // Registered before the stream starts, so that a user over the cap gets a plain 429.
    const stop = ctx.events.watch(request.caller.userId, id, send, onError);
    if (!stop) {
      throw new ApiError(
        429,
        `at most ${ctx.events.maxPerUser} live status streams per user are open; close one (or poll GET /missions/:id/status)`,
        undefined,
        { "retry-after": "10" },
      );
    }
    request.raw.on("close", () => {
      closed = true;
      stop();
    });
    reply.hijack();
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 2000\n\n");
    send(first);
  });
}
