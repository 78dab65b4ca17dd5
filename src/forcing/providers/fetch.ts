// One request per mission: from the window the particles can reach, ask the finest configured provider of
// each vector for that area and time (plus a margin, snapped to whole degrees and 6 h so that neighbouring
// missions share downloads), keep the file in the forcing catalog, and say which provider, dataset, model
// run and files were used. Order of work for each vector:
//   providers by resolution (finest first) → their runs (newest first) → cached file covering the window?
//   → else, holding the key's lock, download to a hidden temporary name, check it (readable, has the
//   vector, covers the window), rename it into the catalog.
// A run that is not published (404) moves on to the previous run; any other failure (after the HTTP
// layer's retries) moves on to the next provider; when nothing delivers, ForcingFetchError lists every try.
import { randomBytes } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { ForcingWindow } from "../../core/types.js";
import { openNetcdf } from "../../io/netcdf/open.js";
import type { ObjectStorage } from "../../io/object-storage.js";
import { boxContains, formatBox, type LonLatBox } from "../area.js";
import { isoMinute, readTimes } from "../cf.js";
import type { VectorKind } from "../discover.js";
import { ForcingFileError } from "../errors.js";
import { describeFile } from "../formats.js";
import { FORCING_BUCKET } from "../s3.js";
import { type CacheManifest, cacheFileName, ensureDir, findCached, installFile, runDir } from "./cache.js";
import { providersFromEnv } from "./config.js";
import { failureText, HttpError, type HttpOptions, httpOptionsFromEnv } from "./http.js";
import { KeyedLocks, type LockOptions } from "./lock.js";
import {
  type FetchAttempt,
  type FetchedForcing,
  ForcingFetchError,
  type ForcingProvider,
  type RunChoice,
} from "./types.js";

/** Per-process memory shared by fetches: key locks and runs known to be missing. */
export class FetchState {
  readonly locks = new KeyedLocks();
  /** provider|run → Unix ms until which the run is taken as not published. */
  readonly missing = new Map<string, number>();
  constructor(
    readonly lockOptions: LockOptions = {},
    /** How long a 404 run is skipped before it is asked for again (default 15 min). */
    readonly missingTtlMs = 15 * 60_000,
  ) {}
}

const sharedState = new FetchState();

export interface FetchForcingOptions {
  /** The forcing catalog directory (default $FORCING_DIR). */
  forcingDir?: string;
  /** Providers to use (default providersFromEnv()). */
  providers?: ForcingProvider[];
  /** Vectors to fetch (default both). */
  kinds?: VectorKind[];
  /** Added around the window before snapping: degrees (default 0.5) and hours (default 1). */
  marginDegrees?: number;
  marginHours?: number;
  /** The request is snapped outward to multiples of these (default 1° and 6 h), so missions share files. */
  snapDegrees?: number;
  snapHours?: number;
  http?: Partial<HttpOptions>;
  /** Unix ms taken as "now" (default Date.now()). */
  now?: number;
  /** Locks and memory; tests give each simulated process its own. */
  state?: FetchState;
  /** Progress lines (one per try). */
  log?: (line: string) => void;
  /**
   * Share downloads between hosts through the platform's bucket (default bucket environmental-data, keys
   * {wind|ocean-currents}/YYYY/MM/DD/HH/{file} and the hidden manifest beside it): a download missing here
   * is looked for in the bucket before the service is asked, and what is downloaded is uploaded.
   */
  share?: { storage: ObjectStorage; bucket?: string };
}

export interface ForcingFetchResult {
  wind?: FetchedForcing;
  current?: FetchedForcing;
  /** The fetched vectors, for the run's provenance. */
  provenance: FetchedForcing[];
  attempts: FetchAttempt[];
  /** The mission window and the (margin, snapped) window asked of the services. */
  window: ForcingWindow;
  request: ForcingWindow;
}

function checkWindow(w: ForcingWindow): void {
  for (const k of ["start", "end", "west", "east", "south", "north"] as const) {
    if (!Number.isFinite(w[k])) throw new Error(`forcing window: ${k} must be a finite number (got ${w[k]})`);
  }
  if (w.end < w.start) throw new Error("forcing window: end is before start");
  if (w.north < w.south) throw new Error("forcing window: north is south of south");
  if (w.south < -90 || w.north > 90) throw new Error("forcing window: latitudes must be within -90..90");
  if (w.east < w.west)
    throw new Error("forcing window: east is west of west (give east > west, beyond 180 when crossing it)");
}

/** The window with margin, snapped outward: what the services are asked for. */
export function requestWindow(w: ForcingWindow, opts: FetchForcingOptions = {}): ForcingWindow {
  const m = opts.marginDegrees ?? 0.5;
  const h = (opts.marginHours ?? 1) * 3600;
  const snap = opts.snapDegrees ?? 1;
  const snapT = (opts.snapHours ?? 6) * 3600;
  const down = (x: number, s: number) => Math.floor(x / s + 1e-9) * s;
  const up = (x: number, s: number) => Math.ceil(x / s - 1e-9) * s;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    start: down(w.start - h, snapT),
    end: up(w.end + h, snapT),
    west: round(down(w.west - m, snap)),
    east: round(up(w.east + m, snap)),
    south: Math.max(-90, round(down(w.south - m, snap))),
    north: Math.min(90, round(up(w.north + m, snap))),
  };
}

const boxOf = (w: ForcingWindow): LonLatBox => ({
  west: w.west,
  east: w.east,
  south: w.south,
  north: w.north,
});

/** The file does not cover the mission (a different service or run may): not retried. */
class NotCoveringError extends Error {}

async function checkDownload(
  path: string,
  kind: VectorKind,
  mission: ForcingWindow,
): Promise<{ area: LonLatBox; timeStart: number; timeEnd: number }> {
  const d = await describeFile(path);
  const v = d.vectors.find((x) => x.kind === kind);
  if (!v)
    throw new NotCoveringError(
      `the data have no ${kind} vector (variables: ${d.variables.slice(0, 8).join("; ")})`,
    );
  if (v.timeStart > mission.start || v.timeEnd < mission.end) {
    throw new NotCoveringError(
      `the data cover ${isoMinute(v.timeStart)}..${isoMinute(v.timeEnd)}, the mission needs ${isoMinute(mission.start)}..${isoMinute(mission.end)}`,
    );
  }
  if (!boxContains(v.area, boxOf(mission))) {
    throw new NotCoveringError(
      `the data cover ${formatBox(v.area)}, the mission needs ${formatBox(boxOf(mission))}`,
    );
  }
  return { area: v.area, timeStart: v.timeStart, timeEnd: v.timeEnd };
}

/** The file's forecast_reference_time, when it has one, as "2016-02-01T00Z". */
async function referenceTimeOf(path: string): Promise<string | undefined> {
  try {
    const f = await openNetcdf(path);
    try {
      if (!f.variables.has("forecast_reference_time")) return undefined;
      const t = readTimes(f, "forecast_reference_time");
      return t.length ? `${new Date(t[0] * 1000).toISOString().slice(0, 13)}Z` : undefined;
    } finally {
      f.close();
    }
  } catch {
    return undefined;
  }
}

interface KindContext {
  kind: VectorKind;
  root: string;
  mission: ForcingWindow;
  request: ForcingWindow;
  http: HttpOptions;
  now: number;
  state: FetchState;
  log: (line: string) => void;
  share?: { storage: ObjectStorage; bucket: string };
}

/** The bucket key of a file in the catalog directory (same layout). */
function bucketKey(ctx: KindContext, dir: string, name: string): string {
  return [...relative(ctx.root, dir).split(sep), name].join("/");
}

/** The download of another host, from the bucket, when it is there and covers the mission. */
async function fromBucket(ctx: KindContext, dir: string, file: string): Promise<CacheManifest | null> {
  const share = ctx.share;
  if (!share) return null;
  const manifestKey = bucketKey(ctx, dir, `.${file}.json`);
  try {
    if (!(await share.storage.exists(share.bucket, manifestKey))) return null;
    const manifest = JSON.parse(
      new TextDecoder().decode(await share.storage.get(share.bucket, manifestKey)),
    ) as CacheManifest;
    if (manifest.timeStart > ctx.mission.start || manifest.timeEnd < ctx.mission.end) return null;
    if (!boxContains(manifest.area, boxOf(ctx.mission))) return null;
    const bytes = await share.storage.get(share.bucket, bucketKey(ctx, dir, file));
    if (bytes.length !== manifest.bytes) return null;
    const tmp = join(dir, `.${file}.${process.pid}.${randomBytes(4).toString("hex")}.part`);
    await writeFile(tmp, bytes);
    try {
      await checkDownload(tmp, ctx.kind, ctx.mission);
    } catch (e) {
      await rm(tmp, { force: true });
      ctx.log(
        `${share.bucket}/${bucketKey(ctx, dir, file)}: not usable (${(e as Error).message}), fetching from the service`,
      );
      return null;
    }
    await installFile(tmp, dir, manifest);
    return manifest;
  } catch (e) {
    ctx.log(
      `${share.bucket}: shared forcing not readable (${(e as Error).message}), fetching from the service`,
    );
    return null;
  }
}

/** Uploads a download for other hosts; a failure only costs them a download of their own. */
async function toBucket(ctx: KindContext, dir: string, m: CacheManifest): Promise<void> {
  const share = ctx.share;
  if (!share) return;
  try {
    await share.storage.put(
      share.bucket,
      bucketKey(ctx, dir, m.file),
      await readFile(join(dir, m.file)),
      "application/x-netcdf",
    );
    await share.storage.put(
      share.bucket,
      bucketKey(ctx, dir, `.${m.file}.json`),
      new TextEncoder().encode(JSON.stringify(m)),
      "application/json",
    );
  } catch (e) {
    ctx.log(`${share.bucket}: upload of ${m.file} failed (${(e as Error).message})`);
  }
}

async function download(
  ctx: KindContext,
  p: ForcingProvider,
  run: RunChoice,
  dir: string,
  file: string,
): Promise<CacheManifest> {
  await ensureDir(dir);
  for (let attempt = 1; ; attempt++) {
    const tmp = join(dir, `.${file}.${process.pid}.${randomBytes(4).toString("hex")}.part`);
    try {
      const outcome = await p.fetch({
        request: ctx.request,
        run,
        tmpPath: tmp,
        http: ctx.http,
        now: ctx.now,
      });
      const covered = await checkDownload(tmp, ctx.kind, ctx.mission);
      const { size } = await stat(tmp);
      const manifest: CacheManifest = {
        version: 1,
        provider: p.name,
        dataset: p.dataset,
        kind: ctx.kind,
        runId: run.id,
        modelRun: outcome.modelRun ?? (await referenceTimeOf(tmp)) ?? run.id,
        runTime: run.time,
        area: covered.area,
        timeStart: covered.timeStart,
        timeEnd: covered.timeEnd,
        file,
        bytes: size,
        sourceUrls: outcome.urls,
        fetchedAt: new Date(ctx.now).toISOString(),
      };
      await installFile(tmp, dir, manifest);
      return manifest;
    } catch (e) {
      await rm(tmp, { force: true });
      // A file the readers cannot open came from a damaged transfer: fetch it again (with backoff).
      if (e instanceof ForcingFileError && attempt < ctx.http.attempts) {
        ctx.log(`${p.name} ${run.id}: unreadable download (${e.problem}), fetching again`);
        await new Promise((r) => setTimeout(r, ctx.http.baseDelayMs * 2 ** (attempt - 1)));
        continue;
      }
      if (e instanceof ForcingFileError)
        throw new Error(`downloads stay unreadable after ${attempt} tries: ${e.problem}`);
      throw e;
    }
  }
}

function fetched(
  ctx: KindContext,
  p: ForcingProvider,
  dir: string,
  m: CacheManifest,
  cached: boolean,
  fallback: boolean,
): FetchedForcing {
  return {
    kind: ctx.kind,
    provider: p.name,
    dataset: p.dataset,
    modelRun: m.modelRun,
    files: [join(dir, m.file)],
    fallback,
    cached,
    sourceUrls: m.sourceUrls,
  };
}

async function fetchKind(
  ctx: KindContext,
  providers: ForcingProvider[],
): Promise<{ result?: FetchedForcing; attempts: FetchAttempt[] }> {
  const attempts: FetchAttempt[] = [];
  const note = (a: Omit<FetchAttempt, "kind">) => {
    const full = { kind: ctx.kind, ...a };
    attempts.push(full);
    ctx.log(
      `${ctx.kind}: ${a.provider}${a.run ? ` ${a.run}` : ""} ${a.outcome}: ${a.message}${a.url ? ` [${a.url}]` : ""}`,
    );
  };
  // Finest first; equal resolutions keep configuration order (sort is stable).
  const ordered = providers.filter((p) => p.kind === ctx.kind).sort((a, b) => a.resolutionM - b.resolutionM);
  let troubled = false;
  for (const p of ordered) {
    const base = { provider: p.name, dataset: p.dataset };
    if (p.unavailable) {
      note({ ...base, outcome: "skipped", message: p.unavailable });
      continue;
    }
    if (p.domain && !boxContains(p.domain, boxOf(ctx.mission))) {
      note({
        ...base,
        outcome: "skipped",
        message: `its domain ${formatBox(p.domain)} does not contain the mission area`,
      });
      continue;
    }
    const runs = p.runs(ctx.request, ctx.now);
    if (runs.length === 0) {
      note({ ...base, outcome: "skipped", message: "no model run can cover the mission's times" });
      continue;
    }
    for (const run of runs) {
      const dir = runDir(ctx.root, ctx.kind, run.time);
      const hit = await findCached(dir, p.name, p.dataset, run.id, ctx.mission);
      if (hit) {
        note({ ...base, run: run.id, outcome: "cached", message: hit.file });
        return { result: fetched(ctx, p, dir, hit, true, troubled), attempts };
      }
      const missingKey = `${p.name}|${p.dataset}|${run.id}`;
      const missingUntil = ctx.state.missing.get(missingKey) ?? 0;
      if (missingUntil > ctx.now) {
        troubled = true;
        note({
          ...base,
          run: run.id,
          outcome: "unavailable",
          message: "not published yet (found missing a moment ago)",
        });
        continue;
      }
      const file = cacheFileName(p.name, p.dataset, run.id, ctx.request);
      try {
        await ensureDir(dir);
        const got = await ctx.state.locks.run(
          join(dir, `.${file}.lock`),
          async () => {
            // Another mission may have fetched it while this one waited for the lock.
            const again = await findCached(dir, p.name, p.dataset, run.id, ctx.mission);
            if (again) return { m: again, cached: true, via: "" };
            const shared = await fromBucket(ctx, dir, file);
            if (shared) return { m: shared, cached: true, via: ` (from bucket ${ctx.share?.bucket})` };
            const m = await download(ctx, p, run, dir, file);
            await toBucket(ctx, dir, m);
            return { m, cached: false, via: "" };
          },
          ctx.state.lockOptions,
        );
        note({
          ...base,
          run: run.id,
          outcome: got.cached ? "cached" : "downloaded",
          message: `${got.m.file}${got.via}`,
        });
        return { result: fetched(ctx, p, dir, got.m, got.cached, troubled), attempts };
      } catch (e) {
        troubled = true;
        const http =
          e instanceof HttpError
            ? { url: e.url, ...(e.status !== undefined ? { status: e.status } : {}) }
            : {};
        if (e instanceof HttpError && e.notFound) {
          ctx.state.missing.set(missingKey, ctx.now + ctx.state.missingTtlMs);
          note({
            ...base,
            run: run.id,
            outcome: "unavailable",
            message: `run not (completely) published: ${failureText(e)}`,
            ...http,
          });
          continue; // the previous run may be complete
        }
        note({ ...base, run: run.id, outcome: "failed", message: failureText(e), ...http });
        break; // this service is not working now: next provider
      }
    }
  }
  return { attempts };
}

/**
 * Fetches (or finds in the catalog) the wind and current a mission's window needs. Throws
 * ForcingFetchError (naming every provider, run, URL and status tried) when a vector cannot be had.
 */
export async function fetchForcingFor(
  window: ForcingWindow,
  opts: FetchForcingOptions = {},
): Promise<ForcingFetchResult> {
  checkWindow(window);
  const dir = opts.forcingDir ?? process.env.FORCING_DIR;
  if (!dir) throw new Error("forcing fetch: no catalog directory (set FORCING_DIR or pass forcingDir)");
  const providers = opts.providers ?? providersFromEnv();
  const kinds = opts.kinds ?? ["wind", "current"];
  const request = requestWindow(window, opts);
  const http = { ...httpOptionsFromEnv(), ...(opts.http ?? {}) };
  const now = opts.now ?? Date.now();
  const state = opts.state ?? sharedState;
  const log = opts.log ?? (() => {});
  const outcomes = await Promise.all(
    kinds.map((kind) =>
      fetchKind(
        {
          kind,
          root: resolve(dir),
          mission: window,
          request,
          http,
          now,
          state,
          log,
          ...(opts.share
            ? { share: { storage: opts.share.storage, bucket: opts.share.bucket ?? FORCING_BUCKET } }
            : {}),
        },
        providers,
      ),
    ),
  );
  const result: ForcingFetchResult = { provenance: [], attempts: [], window, request };
  outcomes.forEach((o, k) => {
    result.attempts.push(...o.attempts);
    if (o.result) {
      result[kinds[k]] = o.result;
      result.provenance.push(o.result);
    }
  });
  const failed = kinds.findIndex((_, k) => !outcomes[k].result);
  if (failed >= 0) {
    const err = new ForcingFetchError(kinds[failed], window, outcomes[failed].attempts);
    err.fetched = result.provenance;
    throw err;
  }
  return result;
}
