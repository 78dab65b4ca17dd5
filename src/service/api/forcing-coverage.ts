// What the forcing directory covers (areas, times, variables), for GET /forcing/coverage and the page:
// one entry per file and variable, plus the areas where wind and current overlap in space and time (where
// a mission needs no on-scene values), each with a suggested sea position to start a demo from.
import { prepareLandMask } from "../../coastline/index.js";
import { scanCatalog } from "../../forcing/index.js";
import type { Logger } from "../log.js";
import type { ForcingCoverage } from "./context.js";

export interface ForcingOverlap {
  west: number;
  east: number;
  south: number;
  north: number;
  start: string;
  end: string;
  wind: string;
  current: string;
  /** A sea point near the overlap's centre (null when the coastline data is missing). */
  suggestion: { lat: number; lon: number } | null;
}

const RESCAN_MS = 60_000;

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

export function forcingCoverageProvider(dir: string, logger?: Logger) {
  let cached: { at: number; files: ForcingCoverage[]; overlaps: ForcingOverlap[] } | undefined;
  let pending: Promise<typeof cached> | undefined;

  const scan = async () => {
    const catalog = await scanCatalog(dir);
    const files: ForcingCoverage[] = [];
    for (const entry of catalog.entries) {
      if (entry.error) {
        logger?.warn({ file: entry.file, error: entry.error }, "forcing file skipped");
        continue;
      }
      for (const v of entry.vectors) {
        files.push({
          name: entry.file,
          variables: [v.kind],
          west: v.area.west,
          east: v.area.east,
          south: v.area.south,
          north: v.area.north,
          start: iso(v.timeStart),
          end: iso(v.timeEnd),
          grid: v.grid,
          resolutionM: v.resolutionM,
        });
      }
    }
    const overlaps: ForcingOverlap[] = [];
    for (const w of files.filter((f) => f.variables[0] === "wind")) {
      for (const c of files.filter((f) => f.variables[0] === "current")) {
        const box = {
          west: Math.max(w.west, c.west),
          east: Math.min(w.east, c.east),
          south: Math.max(w.south, c.south),
          north: Math.min(w.north, c.north),
        };
        const start = Math.max(Date.parse(w.start), Date.parse(c.start));
        const end = Math.min(Date.parse(w.end), Date.parse(c.end));
        if (box.west >= box.east || box.south >= box.north || start >= end) continue;
        overlaps.push({
          ...box,
          start: new Date(start).toISOString(),
          end: new Date(end).toISOString(),
          wind: w.name,
          current: c.name,
          suggestion: await seaPointNear(box).catch(() => null),
        });
      }
    }
    return { at: Date.now(), files, overlaps };
  };

  const current = async () => {
    if (cached && Date.now() - cached.at < RESCAN_MS) return cached;
    pending ??= scan().finally(() => {
      pending = undefined;
    });
    cached = await pending;
    return cached!;
  };

  return {
    files: async () => (await current()).files,
    overlaps: async () => (await current()).overlaps,
  };
}

/** The sea point closest to the box's centre on a 0.05° spiral search (within ±1°). */
async function seaPointNear(box: { west: number; east: number; south: number; north: number }) {
  const lat0 = (box.south + box.north) / 2;
  const lon0 = (box.west + box.east) / 2;
  const area = {
    west: Math.max(box.west, lon0 - 1),
    east: Math.min(box.east, lon0 + 1),
    south: Math.max(box.south, lat0 - 1),
    north: Math.min(box.north, lat0 + 1),
  };
  const mask = await prepareLandMask(area);
  const step = 0.05;
  for (let ring = 0; ring <= 20; ring++) {
    for (let i = -ring; i <= ring; i++) {
      for (const [dy, dx] of [
        [i, -ring],
        [i, ring],
        [-ring, i],
        [ring, i],
      ]) {
        const lat = lat0 + dy * step;
        const lon = lon0 + (dx * step) / Math.cos((lat0 * Math.PI) / 180);
        if (lat < area.south || lat > area.north || lon < area.west || lon > area.east) continue;
        // A point well off the coast: it and its neighbours 0.05° around are sea.
        const clear = [0, step, -step].every((d) => !mask.isLand(lon + d, lat) && !mask.isLand(lon, lat + d));
        if (clear) return { lat: Math.round(lat * 1e4) / 1e4, lon: Math.round(lon * 1e4) / 1e4 };
      }
    }
  }
  return null;
}
