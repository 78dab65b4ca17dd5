// An unsuccessful search as a new revision of the mission: the searched tracks (GPX with times, each named by
// its unit) detect the particles along their moving positions; every particle's weight is multiplied by its
// non-detection, and every product of the parent is written again from the re-weighted cloud into a new
// directory (the parent is never touched). revision.json records the searches so far and the cumulative POS, so the next
// plan and the next update start from here.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Trajectory } from "../core/trajectory.js";
import { prepareLandmaskFor } from "../pipeline/window.js";
import type { ProductContext } from "../products/context.js";
import { writeProducts } from "../products/index.js";
import { PRODUCT_FILES, PRODUCT_NAMES, type ProductName } from "../products/registry.js";
import { buildSnapshotSummaries } from "../products/summary.js";
import { isoUtc } from "../products/time-format.js";
import { SOFTWARE_VERSION } from "../version.js";
import { cloudOfTrajectory, totalWeight } from "./cloud.js";
import { accumulateDetection, probabilityOfSuccess } from "./detection.js";
import { PlanningInputError } from "./errors.js";
import { KNOT, METRES_PER_NM, toX, toY } from "./frame.js";
import { readGpxTracks } from "./gpx-tracks.js";
import { REVISION_FILE, type RevisionRecord, readRunFiles } from "./run-files.js";
import { parseUnitsFile, unitSetups } from "./units.js";
import { cumulativePos, weightsAfterSearch } from "./update.js";

export interface SearchedTrackRecord {
  unit: string;
  points: number;
  start: string;
  end: string;
  sweep_width_nm: number;
  /** This track's probability of success alone, on the cloud before this search. */
  pos: number;
}

export interface SearchRecord {
  tracks: SearchedTrackRecord[];
  /** This search's probability of success (all its tracks) on the cloud before it. */
  pos: number;
}

export interface SearchedResult {
  revision: RevisionRecord;
  files: Record<string, string>;
  /** Most likely position after the search (last output time), when anything is afloat. */
  mostLikely: { lon: number; lat: number; time: number } | null;
}

async function emptyOrAbsent(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  return (await readdir(dir)).length === 0;
}

/** Writes the new revision into outDir (absent or empty); see the top of this file. */
export async function applySearch(
  resultDir: string,
  gpxText: string,
  unitsJson: unknown,
  outDir: string,
  opts: {
    gpxName?: string;
    /** Products to write (default: those present in resultDir). */
    products?: readonly ProductName[];
    /** How revision.json names the parent (default: resultDir's absolute path). */
    parentLabel?: string;
  } = {},
): Promise<SearchedResult> {
  const file = parseUnitsFile(unitsJson);
  const tracks = readGpxTracks(gpxText, opts.gpxName ?? "GPX");
  if (path.resolve(outDir) === path.resolve(resultDir) || !(await emptyOrAbsent(outDir)))
    throw new PlanningInputError(
      `${outDir}: must be a new (absent or empty) directory: revisions are never overwritten`,
    );
  const run = await readRunFiles(resultDir);
  const times = run.trajectory.times;
  const { setups, object } = unitSetups(
    file,
    run.category.id,
    {
      first: times[0],
      last: times[times.length - 1],
    },
    { from: times[0], to: times[times.length - 1] },
  );
  const byName = new Map(setups.map((s) => [s.unit.name, s]));
  const cloud = cloudOfTrajectory(run.trajectory);
  const logMiss = new Float64Array(cloud.n);
  const records: SearchedTrackRecord[] = [];
  for (const t of tracks) {
    const setup = byName.get(t.name) ?? (setups.length === 1 ? setups[0] : undefined);
    if (!setup)
      throw new PlanningInputError(
        `track "${t.name}": no unit of that name in the units file (units: ${setups.map((s) => s.unit.name).join(", ")})`,
      );
    const track = {
      x: Float64Array.from(t.lon, (lon) => toX(cloud.frame, lon)),
      y: Float64Array.from(t.lat, (lat) => toY(cloud.frame, lat)),
      times: Float64Array.from(t.times),
      sweepWidthM: setup.sweep.nm * METRES_PER_NM,
      speedMs: setup.unit.speed_kn * KNOT,
      model: file.lateral_range,
      afloatOnly: setup.effort.afloatOnly,
    };
    const own = new Float64Array(cloud.n);
    accumulateDetection(cloud, track, own);
    for (let i = 0; i < cloud.n; i++) logMiss[i] += own[i];
    records.push({
      unit: setup.unit.name,
      points: t.times.length,
      start: isoUtc(t.times[0]),
      end: isoUtc(t.times[t.times.length - 1]),
      sweep_width_nm: Math.round(setup.sweep.nm * 1000) / 1000,
      pos: Math.round(probabilityOfSuccess(cloud.weight, own) * 1e4) / 1e4,
    });
  }
  const searchPos = probabilityOfSuccess(cloud.weight, logMiss);
  const weight = weightsAfterSearch(run.trajectory.weight, logMiss);
  if (!(totalWeight(weight) > 0))
    throw new PlanningInputError(
      "the tracks would have found the object with certainty: no particle keeps any weight",
    );
  const originalWeight = run.revision?.originalWeight ?? totalWeight(run.trajectory.weight);
  const revision: RevisionRecord = {
    revision: (run.revision?.revision ?? 0) + 1,
    parent: opts.parentLabel ?? path.resolve(resultDir),
    originalWeight,
    cumulativePos: Math.round(cumulativePos(originalWeight, weight) * 1e4) / 1e4,
    searches: [
      ...(run.revision?.searches ?? []),
      { search_object: object, tracks: records, pos: Math.round(searchPos * 1e4) / 1e4 },
    ],
  };

  const trajectory: Trajectory = { ...run.trajectory, weight };
  const landmask = run.simulation.coastline === "none" ? undefined : await prepareLandmaskFor(run.simulation);
  const parentSummaryPath = path.join(resultDir, PRODUCT_FILES.summary);
  const parentSummary = existsSync(parentSummaryPath)
    ? (JSON.parse(await readFile(parentSummaryPath, "utf8")) as Record<string, unknown>)
    : {};
  const ctx: ProductContext = {
    simulation: run.simulation,
    specJson: JSON.stringify(run.spec),
    category: run.category,
    trajectory,
    summaries: buildSnapshotSummaries(trajectory),
    landmask,
    forcing: run.forcing,
    densityCellM: 1000,
    softwareVersion: SOFTWARE_VERSION,
    releaseOnLand: parentSummary.releaseOnLand as ProductContext["releaseOnLand"],
    searchRevision: {
      revision: revision.revision,
      searches: revision.searches.length,
      cumulativePos: revision.cumulativePos,
    },
  };
  await mkdir(outDir, { recursive: true });
  const files: Record<string, string> = await writeProducts(
    ctx,
    outDir,
    PRODUCT_NAMES.filter((p) => p !== "summary"),
  );
  const summaryPath = path.join(outDir, PRODUCT_FILES.summary);
  await writeFile(
    summaryPath,
    `${JSON.stringify(
      {
        ...parentSummary,
        snapshots: ctx.summaries,
        searchAreas: ctx.searchAreas,
        revision: {
          revision: revision.revision,
          parent: revision.parent,
          cumulativePos: revision.cumulativePos,
          searches: revision.searches.length,
        },
      },
      null,
      2,
    )}\n`,
  );
  files.summary = summaryPath;
  const revisionPath = path.join(outDir, REVISION_FILE);
  await writeFile(revisionPath, `${JSON.stringify(revision, null, 2)}\n`);
  files.revision = revisionPath;
  const last = ctx.searchAreas?.at(-1);
  const mostLikely =
    last && last.mostLikelyLon !== null && last.mostLikelyLat !== null
      ? { lon: last.mostLikelyLon, lat: last.mostLikelyLat, time: last.time }
      : null;
  return { revision, files, mostLikely };
}
