// A mission's validation against observed drift (issue 23 item 5): POST a track (CSV, GPX or GeoJSON text, or any
// format incl. NetCDF as base64) and the mission's run is compared with it (src/validation, --result mode): the
// figures come back and the files (validation.json/.csv/.pdf, validation-N.png) are stored under
// `{id}/validations/{validation id}/` in the products bucket. Nothing is overwritten; the computation runs in the
// request (a few seconds: the run's density is recomputed).
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { PRODUCT_FILES } from "../../products/registry.js";
import { estimateCurrentBias } from "../../validation/correction.js";
import { runValidation } from "../../validation/index.js";
import { VALIDATION_FILES, validationJson } from "../../validation/report.js";
import { specOfResult } from "../../validation/result.js";
import { TrackError } from "../../validation/track.js";
import { readTracks } from "../../validation/tracks/index.js";
import { productKey } from "../storage/keys.js";
import type { ApiContext } from "./context.js";
import { ApiError, badRequest, notFound } from "./errors.js";
import { loadMission } from "./missions.js";
import { fieldErrors } from "./schemas.js";

const trackFields = {
  track: z.string().min(1, "must not be empty").max(1_000_000).optional(),
  trackBase64: z.string().min(1, "must not be empty").max(1_400_000).optional(),
};
export const ValidationBody = z.strictObject(trackFields);
export const CorrectionBody = z.strictObject({
  ...trackFields,
  hours: z.number().positive("must be positive").max(72, "must be at most 72").optional(),
  drifter: z.string().min(1).max(200).optional(),
});

const FILE = /^(validation\.(json|csv|pdf)|validation-[1-9][0-9]{0,3}\.png)$/;
const TYPES: Record<string, string> = {
  json: "application/json",
  csv: "text/csv; charset=utf-8",
  pdf: "application/pdf",
  png: "image/png",
};
const typeOf = (file: string) => TYPES[file.split(".").pop() ?? ""] ?? "application/octet-stream";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function downloads(id: string, vid: string, files: readonly string[]) {
  return Object.fromEntries(
    files.map((f) => [f, `/api/v1/missions/${id}/validations/${vid}/download?file=${encodeURIComponent(f)}`]),
  );
}

export function registerValidationRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const bucket = ctx.config.bucket;
  const prefix = (id: string, vid: string) => `${id}/validations/${vid}/`;

  /** The completed mission's particles.nc and the posted track, written into a new temporary directory. */
  const materialise = async (
    request: { caller: unknown; params: { id: string } },
    body: z.output<typeof ValidationBody>,
  ) => {
    if (!body.track === !body.trackBase64) {
      throw badRequest("invalid request", [
        {
          field: "track",
          message: "give either track (CSV, GPX or GeoJSON text) or trackBase64 (any format)",
        },
      ]);
    }
    const mission = await loadMission(
      ctx,
      request.caller as Parameters<typeof loadMission>[1],
      request.params.id,
    );
    if (mission.status !== "completed") {
      throw new ApiError(400, `mission is ${mission.status}; it needs to be completed`);
    }
    const id = mission.id as string;
    const key = productKey(id, "netcdf");
    if (!(await ctx.storage.exists(bucket, key)))
      throw notFound(`mission ${id} has no ${PRODUCT_FILES.netcdf}`);
    const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-validation-"));
    const runDir = path.join(dir, "run");
    await mkdir(runDir);
    await writeFile(path.join(runDir, PRODUCT_FILES.netcdf), await ctx.storage.get(bucket, key));
    const trackFile = path.join(dir, "track");
    await writeFile(trackFile, body.track ?? Buffer.from(body.trackBase64!, "base64"));
    const trackError = (error: TrackError) =>
      badRequest("invalid track", [
        { field: body.track ? "track" : "trackBase64", message: error.message.replace(`${trackFile}: `, "") },
      ]);
    return { id, dir, runDir, trackFile, trackError };
  };

  app.post<{ Params: { id: string } }>("/api/v1/missions/:id/validations", async (request, reply) => {
    // The mission first: another user's mission is "not found" whatever the body says.
    await loadMission(ctx, request.caller as Parameters<typeof loadMission>[1], request.params.id);
    const parsed = ValidationBody.safeParse(request.body);
    if (!parsed.success) throw badRequest("invalid validation request", fieldErrors(parsed.error));
    const { id, dir, runDir, trackFile, trackError } = await materialise(request, parsed.data);
    try {
      const outDir = path.join(dir, "out");
      let out: Awaited<ReturnType<typeof runValidation>>;
      try {
        out = await runValidation({ observed: trackFile, resultDir: runDir, outDir });
      } catch (error) {
        if (error instanceof TrackError) throw trackError(error);
        throw error;
      }
      if (out.run.drifters.length === 0) {
        throw badRequest("the track cannot be compared", [
          { field: "track", message: out.run.skipped.map((s) => `${s.id}: ${s.reason}`).join("; ") },
        ]);
      }
      const vid = randomUUID();
      const names = out.files.map((f) => path.basename(f));
      for (const name of names) {
        await ctx.storage.put(
          bucket,
          prefix(id, vid) + name,
          await readFile(path.join(outDir, name)),
          typeOf(name),
        );
      }
      reply.code(201).header("location", `/api/v1/missions/${id}/validations/${vid}`);
      return { data: { id: vid, ...validationJson(out.run), downloads: downloads(id, vid, names) } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  app.post<{ Params: { id: string } }>("/api/v1/missions/:id/corrections", async (request) => {
    // The mission first: another user's mission is "not found" whatever the body says.
    await loadMission(ctx, request.caller as Parameters<typeof loadMission>[1], request.params.id);
    const parsed = CorrectionBody.safeParse(request.body);
    if (!parsed.success) throw badRequest("invalid correction request", fieldErrors(parsed.error));
    const { dir, runDir, trackFile, trackError } = await materialise(request, parsed.data);
    try {
      const spec = await specOfResult(path.join(runDir, PRODUCT_FILES.netcdf));
      let correction: Awaited<ReturnType<typeof estimateCurrentBias>>;
      try {
        const tracks = await readTracks(trackFile);
        const want = parsed.data.drifter;
        const track = want === undefined ? tracks[0] : tracks.find((t) => t.id === want);
        if (!track) {
          throw badRequest("invalid correction request", [
            {
              field: "drifter",
              message: `no drifter "${want}" in the track (has ${tracks.map((t) => t.id).join(", ")})`,
            },
          ]);
        }
        correction = await estimateCurrentBias(spec, track, {
          hours: parsed.data.hours,
          forcingDir: ctx.config.forcingDir,
          scratchDir: dir,
        });
      } catch (error) {
        if (error instanceof TrackError) throw trackError(error);
        if (error instanceof ApiError) throw error;
        throw badRequest("the drifter's hindcast failed", [
          { field: "track", message: (error as Error).message },
        ]);
      }
      const speed = Math.hypot(correction.x, correction.y);
      const towards = ((Math.atan2(correction.x, correction.y) * 180) / Math.PI + 360) % 360;
      return {
        data: {
          ...correction,
          from: new Date(correction.from * 1000).toISOString(),
          to: new Date(correction.to * 1000).toISOString(),
          speed,
          direction: towards,
          currentCorrection: {
            x: Math.round(correction.x * 1e4) / 1e4,
            y: Math.round(correction.y * 1e4) / 1e4,
          },
        },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/validations", async (request) => {
    const mission = await loadMission(ctx, request.caller, request.params.id);
    const id = mission.id as string;
    const keys = await ctx.storage.list(bucket, `${id}/validations/`);
    const ids = [...new Set(keys.map((k) => k.split("/")[2]).filter((v) => v && UUID.test(v)))];
    return { data: ids.map((vid) => ({ id: vid, url: `/api/v1/missions/${id}/validations/${vid}` })) };
  });

  app.get<{ Params: { id: string; vid: string } }>(
    "/api/v1/missions/:id/validations/:vid",
    async (request) => {
      const mission = await loadMission(ctx, request.caller, request.params.id);
      const id = mission.id as string;
      const vid = request.params.vid;
      if (!UUID.test(vid))
        throw badRequest("invalid validation id", [{ field: "vid", message: "must be a UUID" }]);
      const key = prefix(id, vid) + VALIDATION_FILES.json;
      if (!(await ctx.storage.exists(bucket, key))) throw notFound(`mission ${id} has no validation ${vid}`);
      const doc = JSON.parse(new TextDecoder().decode(await ctx.storage.get(bucket, key)));
      const names = (await ctx.storage.list(bucket, prefix(id, vid))).map((k) =>
        k.slice(prefix(id, vid).length),
      );
      return { data: { id: vid, ...doc, downloads: downloads(id, vid, names) } };
    },
  );

  app.get<{ Params: { id: string; vid: string }; Querystring: { file?: string } }>(
    "/api/v1/missions/:id/validations/:vid/download",
    async (request, reply) => {
      // The mission first: another user's mission is "not found" whatever the query says.
      const mission = await loadMission(ctx, request.caller, request.params.id);
      const id = mission.id as string;
      const file = request.query.file ?? "";
      if (!FILE.test(file)) {
        throw badRequest("invalid download request", [
          {
            field: "file",
            message: "must be validation.json, validation.csv, validation.pdf or validation-N.png",
          },
        ]);
      }
      const vid = request.params.vid;
      if (!UUID.test(vid))
        throw badRequest("invalid validation id", [{ field: "vid", message: "must be a UUID" }]);
      const key = prefix(id, vid) + file;
      if (!(await ctx.storage.exists(bucket, key))) throw notFound(`validation ${vid} has no ${file}`);
      const body = await ctx.storage.get(bucket, key);
      reply.header("content-type", typeOf(file));
      if (!file.endsWith(".png")) reply.header("content-disposition", `attachment; filename="${file}"`);
      return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    },
  );
}
