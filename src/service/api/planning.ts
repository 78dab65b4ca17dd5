// Search planning as sub-resources of a mission (issue 22): plans (POST computes one on the latest revision,
// or the one asked for) and searches (POST applies an unsuccessful search: a new revision of every product).
// Revisions are listed and their products downloaded; nothing is overwritten. Files go to the products bucket
// under the mission's prefix ({id}/plans/{plan id}/…, {id}/revisions/{n}/…), rows to mission_plans and
// mission_revisions. The computation runs in a thread of its own per request (planning-thread.ts), off the
// event loop (a plan on 20,000 particles takes about 2 s).
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { SpecError } from "../../pipeline/spec.js";
import { PlanningInputError } from "../../planning/errors.js";
import type { PlanDocument } from "../../planning/plan-document.js";
import { PLAN_FILES } from "../../planning/plan-files.js";
import { REVISION_FILE } from "../../planning/run-files.js";
import type { SearchedResult } from "../../planning/searched.js";
import {
  PRODUCT_FILES,
  PRODUCT_NAMES,
  type ProductName,
  productForDownload,
  productNamed,
  productOfFile,
} from "../../products/registry.js";
import { findPlan, insertPlan, insertRevision, listPlans, listRevisions } from "../db/planning.js";
import { productKey } from "../storage/keys.js";
import type { Caller } from "./auth.js";
import type { ApiContext } from "./context.js";
import { densityGridFromFile } from "./density-grid.js";
import { ApiError, badRequest, notFound } from "./errors.js";
import { loadMission } from "./missions.js";
import { particleCloudFromFile } from "./particle-cloud.js";
import type { PlanningJob, PlanningReply } from "./planning-thread.js";
import type { Row } from "./rows.js";
import { DownloadQuery, fieldErrors, ParticlesQuery } from "./schemas.js";

const PlanBody = z.looseObject({ revision: z.number().int().min(0).optional() });
export const SearchBody = z.strictObject({
  units: z.record(z.string(), z.unknown(), { error: "must be a units object (as UNITS.json)" }),
  gpx: z.string().min(1).max(5_000_000).optional(),
  planId: z.uuid({ error: "must be a plan id" }).optional(),
  /** With planId: the units whose planned patterns were flown (default all). */
  done: z.array(z.string().min(1)).optional(),
  revision: z.number().int().min(0).optional(),
});
const PlanFileQuery = z.object({
  file: z.enum(Object.values(PLAN_FILES) as [string, ...string[]], {
    error: `must be one of ${Object.values(PLAN_FILES).join(", ")}`,
  }),
});

const PLAN_TYPES: Record<string, string> = {
  "plan.json": "application/json",
  "plan.gpx": "application/gpx+xml",
  "plan.kml": "application/vnd.google-earth.kml+xml",
  "plan_waypoints.csv": "text/csv; charset=utf-8",
  "tasking.pdf": "application/pdf",
};

/** Runs a plan or a search in a thread of its own; rethrows SpecError and PlanningInputError as such. */
function inThread<T>(job: PlanningJob): Promise<T> {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(fromSource ? "./planning-thread.ts" : "./planning-thread.js", import.meta.url);
  const worker = new Worker(
    fromSource ? new URL("../../core/parallel/ts-bootstrap.mjs", import.meta.url) : entry,
    {
      workerData: { tsEntry: entry.href, job },
      execArgv: [],
    },
  );
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.once("message", (reply: PlanningReply) => {
      settled = true;
      void worker.terminate();
      if (reply.ok) resolve(reply.result as T);
      else if (reply.kind === "spec") reject(new SpecError(reply.issues));
      else if (reply.kind === "input") reject(new PlanningInputError(reply.message));
      else reject(new Error(reply.message));
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`planning thread stopped (exit ${code})`));
    });
  });
}

function requireCompleted(mission: Row): void {
  if (mission.status !== "completed")
    throw new ApiError(400, `mission is ${mission.status}; search planning needs a completed mission`);
}

/** The units file's issues as the API's field errors, under `units.` for a search body. */
function specDetails(error: SpecError, prefix = "") {
  return error.issues.map((i) => ({ field: `${prefix}${i.path || "(body)"}`, message: i.message }));
}

/** inThread, with a refused units file or planning input as the caller's 400 (the fields under `unitsPrefix`). */
async function planInThread<T>(job: PlanningJob, unitsPrefix = ""): Promise<T> {
  try {
    return await inThread<T>(job);
  } catch (error) {
    if (error instanceof SpecError) throw badRequest("invalid units", specDetails(error, unitsPrefix));
    if (error instanceof PlanningInputError) throw badRequest(error.message);
    throw error;
  }
}

/** Object key of a revision's file: revision 0 is the run (the contract's keys), n under revisions/n/. */
function revisionKey(id: string, revision: number, file: string): string {
  if (revision === 0) {
    const product = productOfFile(file);
    if (!product) throw new Error(`no product file ${file}`);
    return productKey(id, product.name as ProductName);
  }
  return `${id}/revisions/${revision}/${file}`;
}

async function latestRevision(ctx: ApiContext, id: string): Promise<number> {
  const rows = await listRevisions(ctx.db, id);
  return rows.length ? Math.max(...rows.map((r) => Number(r.revision))) : 0;
}

/** Copies a revision's particles.nc, summary.json and revision.json into a new temporary directory. */
async function materialise(ctx: ApiContext, id: string, revision: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-planning-"));
  const bucket = ctx.config.bucket;
  const files = [PRODUCT_FILES.netcdf, PRODUCT_FILES.summary, ...(revision > 0 ? [REVISION_FILE] : [])];
  for (const file of files) {
    const key = revision > 0 ? revisionKey(id, revision, file) : revisionKey(id, 0, file);
    if (!(await ctx.storage.exists(bucket, key))) {
      if (file === PRODUCT_FILES.netcdf)
        throw new ApiError(404, `mission ${id} has no ${file} for revision ${revision}`);
      continue;
    }
    await writeFile(path.join(dir, file), await ctx.storage.get(bucket, key));
  }
  return dir;
}

async function checkRevision(ctx: ApiContext, id: string, asked: number | undefined): Promise<number> {
  const latest = await latestRevision(ctx, id);
  if (asked === undefined) return latest;
  if (asked > latest) throw notFound(`mission ${id} has no revision ${asked} (latest ${latest})`);
  return asked;
}

export function registerPlanningRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const bucket = ctx.config.bucket;

  app.post<{ Params: { id: string } }>("/api/v1/missions/:id/plans", async (request, reply) => {
    // The mission first: another user's mission is "not found" whatever the body says.
    const mission = await loadMission(ctx, request.caller, request.params.id);
    const parsed = PlanBody.safeParse(request.body);
    if (!parsed.success) throw badRequest("invalid plan request", fieldErrors(parsed.error));
    requireCompleted(mission);
    const id = mission.id as string;
    const revision = await checkRevision(ctx, id, parsed.data.revision);
    const { revision: _r, ...units } = parsed.data;
    const base = await materialise(ctx, id, revision);
    try {
      const out = path.join(base, "plan");
      const planned = await planInThread<PlanDocument>({ op: "plan", base, units, out });
      const document = { ...planned, run: `mission ${id} revision ${revision}` };
      const planId = await insertPlan(ctx.db, id, revision, document.joint_pos, document);
      await writeFile(path.join(out, PLAN_FILES.json), `${JSON.stringify(document, null, 2)}\n`);
      for (const file of Object.values(PLAN_FILES)) {
        const body = await readFile(path.join(out, file));
        await ctx.storage.put(bucket, `${id}/plans/${planId}/${file}`, body, PLAN_TYPES[file]);
      }
      reply.code(201).header("location", `/api/v1/missions/${id}/plans/${planId}`);
      return { data: planJson(id, planId, revision, document) };
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/plans", async (request) => {
    const mission = await loadMission(ctx, request.caller, request.params.id);
    const id = mission.id as string;
    const rows = await listPlans(ctx.db, id);
    return {
      data: rows.map((r) => ({
        id: r.id,
        revision: Number(r.revision),
        jointPos: Number(r.joint_pos),
        createdAt: new Date(r.created_at).toISOString(),
        url: `/api/v1/missions/${id}/plans/${r.id}`,
      })),
    };
  });

  app.get<{ Params: { id: string; planId: string } }>(
    "/api/v1/missions/:id/plans/:planId",
    async (request) => {
      const mission = await loadMission(ctx, request.caller, request.params.id);
      const id = mission.id as string;
      const row = await planRow(ctx, id, request.params.planId);
      return { data: planJson(id, row.id, Number(row.revision), row.document) };
    },
  );

  app.get<{ Params: { id: string; planId: string } }>(
    "/api/v1/missions/:id/plans/:planId/download",
    async (request, reply) => {
      // The mission first: another user's mission is "not found" whatever the query says.
      const mission = await loadMission(ctx, request.caller, request.params.id);
      const id = mission.id as string;
      const q = PlanFileQuery.safeParse(request.query);
      if (!q.success) throw badRequest("invalid download request", fieldErrors(q.error));
      const row = await planRow(ctx, id, request.params.planId);
      const body = await ctx.storage.get(bucket, `${id}/plans/${row.id}/${q.data.file}`);
      reply
        .header("content-type", PLAN_TYPES[q.data.file])
        .header("content-disposition", `attachment; filename="${q.data.file}"`);
      return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    },
  );

  app.post<{ Params: { id: string } }>("/api/v1/missions/:id/searches", async (request, reply) => {
    const mission = await loadMission(ctx, request.caller, request.params.id);
    const parsed = SearchBody.safeParse(request.body);
    if (!parsed.success) throw badRequest("invalid search", fieldErrors(parsed.error));
    const body = parsed.data;
    if (!body.gpx === !body.planId)
      throw badRequest("invalid search", [
        { field: "gpx", message: "give either gpx (the searched tracks) or planId" },
      ]);
    requireCompleted(mission);
    const id = mission.id as string;
    const revision = await checkRevision(ctx, id, body.revision);
    let gpx = body.gpx ?? "";
    if (body.planId) {
      const row = await planRow(ctx, id, body.planId);
      gpx = new TextDecoder().decode(
        await ctx.storage.get(bucket, `${id}/plans/${row.id}/${PLAN_FILES.gpx}`),
      );
      if (body.done) {
        const names = new Set(body.done);
        const known = (row.document as { units: { name: string }[] }).units.map((u) => u.name);
        const unknown = body.done.filter((n) => !known.includes(n));
        if (unknown.length)
          throw badRequest("invalid search", [
            { field: "done", message: `not units of the plan: ${unknown.join(", ")}` },
          ]);
        gpx = gpx.replace(/<rte><name>([^<]*)<\/name>[\s\S]*?<\/rte>\n?/g, (all, name: string) =>
          names.has(name.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")) ? all : "",
        );
      }
    }
    const base = await materialise(ctx, id, revision);
    try {
      const present = new Set(
        (await ctx.storage.list(bucket, `${id}/`))
          .filter((k) => !k.includes("/revisions/") && !k.includes("/plans/"))
          .map((k) => path.posix.basename(k)),
      );
      const products = PRODUCT_NAMES.filter((p) => present.has(PRODUCT_FILES[p]));
      const out = path.join(base, "revision");
      const result = await planInThread<SearchedResult>(
        {
          op: "search",
          base,
          gpx,
          units: body.units,
          out,
          products,
          parentLabel: `mission ${id} revision ${revision}`,
        },
        "units.",
      );
      const r = result.revision;
      const inserted = await insertRevision(ctx.db, id, {
        revision: r.revision,
        parent_revision: revision,
        cumulative_pos: r.cumulativePos,
        search: r.searches.at(-1),
        most_likely_lat: result.mostLikely?.lat ?? null,
        most_likely_lon: result.mostLikely?.lon ?? null,
      });
      if (!inserted)
        throw new ApiError(409, `revision ${r.revision} of mission ${id} was just written by another search`);
      for (const file of await readdir(out)) {
        const type = productOfFile(file)?.contentType ?? "application/json";
        await ctx.storage.put(
          bucket,
          revisionKey(id, r.revision, file),
          await readFile(path.join(out, file)),
          type,
        );
      }
      reply.code(201).header("location", `/api/v1/missions/${id}/revisions/${r.revision}`);
      return {
        data: {
          revision: r.revision,
          parentRevision: revision,
          cumulativePos: r.cumulativePos,
          search: r.searches.at(-1),
          mostLikely: result.mostLikely,
          downloads: products.map((p) => ({
            format: p,
            url: `/api/v1/missions/${id}/revisions/${r.revision}/download?format=${downloadOf(p)}`,
          })),
          density: `/api/v1/missions/${id}/revisions/${r.revision}/density`,
        },
      };
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  app.get<{ Params: { id: string } }>("/api/v1/missions/:id/revisions", async (request) => {
    const mission = await loadMission(ctx, request.caller, request.params.id);
    const id = mission.id as string;
    const rows = await listRevisions(ctx.db, id);
    return {
      data: [
        { revision: 0, parentRevision: null, cumulativePos: 0, search: null, createdAt: null },
        ...rows.map((r) => ({
          revision: Number(r.revision),
          parentRevision: Number(r.parent_revision),
          cumulativePos: Number(r.cumulative_pos),
          search: r.search,
          mostLikely:
            r.most_likely_lat === null
              ? null
              : { lat: Number(r.most_likely_lat), lon: Number(r.most_likely_lon) },
          createdAt: new Date(r.created_at).toISOString(),
        })),
      ],
    };
  });

  app.get<{ Params: { id: string; n: string } }>(
    "/api/v1/missions/:id/revisions/:n/download",
    async (request, reply) => {
      const mission = await loadMission(ctx, request.caller, request.params.id);
      const id = mission.id as string;
      const q = DownloadQuery.safeParse(request.query);
      if (!q.success) throw badRequest("invalid download request", fieldErrors(q.error));
      const n = await checkRevision(ctx, id, revisionNumber(request.params.n));
      const product = productForDownload(q.data.format);
      if (!product) throw notFound(`no product ${q.data.format}`);
      const key = revisionKey(id, n, product.file);
      if (!(await ctx.storage.exists(bucket, key))) throw notFound(`revision ${n} has no ${product.file}`);
      const body = await ctx.storage.get(bucket, key);
      reply
        .header("content-type", product.contentType)
        .header("content-disposition", `attachment; filename="revision-${n}-${product.file}"`);
      return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    },
  );

  /** A revision's file read from a local copy: density.nc for the heat layer, particles.nc for the cloud. */
  const readRevisionFile = async <T>(
    request: { caller: Caller; params: { id: string; n: string } },
    file: string,
    read: (local: string) => Promise<T>,
  ): Promise<T> => {
    const mission = await loadMission(ctx, request.caller, request.params.id);
    const id = mission.id as string;
    const n = await checkRevision(ctx, id, revisionNumber(request.params.n));
    const key = revisionKey(id, n, file);
    if (!(await ctx.storage.exists(bucket, key))) throw notFound(`revision ${n} has no ${file}`);
    const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-revision-"));
    try {
      const local = path.join(dir, file);
      await writeFile(local, await ctx.storage.get(bucket, key));
      return await read(local);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  app.get<{ Params: { id: string; n: string } }>(
    "/api/v1/missions/:id/revisions/:n/density",
    async (request) => ({
      data: await readRevisionFile(request, PRODUCT_FILES.density, densityGridFromFile),
    }),
  );

  app.get<{ Params: { id: string; n: string } }>(
    "/api/v1/missions/:id/revisions/:n/particles",
    async (request) => {
      const q = ParticlesQuery.safeParse(request.query);
      if (!q.success) throw badRequest("invalid query", fieldErrors(q.error));
      return {
        data: await readRevisionFile(request, PRODUCT_FILES.netcdf, (file) =>
          particleCloudFromFile(file, q.data.max),
        ),
      };
    },
  );
}

function revisionNumber(text: string): number {
  const n = Number(text);
  if (!/^\d{1,6}$/.test(text) || !Number.isInteger(n))
    throw badRequest("invalid revision", [{ field: "n", message: "must be a revision number (0, 1, …)" }]);
  return n;
}

function downloadOf(p: ProductName): string {
  return productNamed(p)?.download ?? p;
}

async function planRow(ctx: ApiContext, id: string, planId: string) {
  if (!z.uuid().safeParse(planId).success)
    throw badRequest("invalid plan id", [{ field: "planId", message: "must be a UUID" }]);
  const row = await findPlan(ctx.db, id, planId.toLowerCase());
  if (!row) throw notFound(`mission ${id} has no plan ${planId}`);
  return row;
}

function planJson(id: string, planId: string, revision: number, document: unknown) {
  return {
    id: planId,
    revision,
    ...(document as Record<string, unknown>),
    downloads: Object.values(PLAN_FILES).map((file) => ({
      file,
      url: `/api/v1/missions/${id}/plans/${planId}/download?file=${file}`,
    })),
  };
}
