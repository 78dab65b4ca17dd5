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
          ...(v.outline ? { outline: v.outline } : {}),
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

/** "2016-02-05 12:00 UTC" */
const utcMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * Whether the files of one variable cover the position over the whole run, from the last known time `t0`
 * forward (or backward) to `t1` (ms). Undefined when they do; else the field to blame and a message naming
 * what the files cover at the position and how long a run they allow.
 */
export function forcingGap(
  files: ForcingCoverage[],
  variable: "wind" | "current",
  lat: number,
  lon: number,
  t0: number,
  t1: number,
): { field: "lastKnownTime" | "forecastHours"; message: string } | undefined {
  const wrap = (x: number, west: number) => west + ((((x - west) % 360) + 360) % 360);
  const windows = files
    .filter(
      (f) =>
        f.variables.includes(variable) && lat >= f.south && lat <= f.north && wrap(lon, f.west) <= f.east,
    )
    .map((f) => ({ name: f.name, start: Date.parse(f.start), end: Date.parse(f.end) }))
    .sort((a, b) => a.start - b.start);
  // The covered stretch [lo, hi] that holds t0, joining files that overlap or touch.
  let lo = Number.NaN;
  let hi = Number.NaN;
  for (const w of windows) {
    if (Number.isNaN(hi) || w.start > hi) {
      if (lo <= t0 && hi >= t0) break; // the stretch holding t0 is complete
      [lo, hi] = [w.start, w.end];
    } else hi = Math.max(hi, w.end);
  }
  const covers = !Number.isNaN(hi) && lo <= t0 && hi >= t0;
  if (covers && Math.min(t0, t1) >= lo && Math.max(t0, t1) <= hi) return undefined;
  const list = windows.length
    ? windows.map((w) => `${w.name} ${utcMinute(w.start)} – ${utcMinute(w.end)}`).join("; ")
    : `none; the ${variable} files cover ${
        files
          .filter((f) => f.variables.includes(variable))
          .map(
            (f) =>
              `${f.name} ${f.west.toFixed(1)}…${f.east.toFixed(1)}°E ${f.south.toFixed(1)}…${f.north.toFixed(1)}°N`,
          )
          .join("; ") || "nothing"
      }`;
  const fix = `give on-scene ${variable}, or set allowPartial to run anyway`;
  if (!covers)
    return {
      field: "lastKnownTime",
      message: `${variable} data at this position: ${list}; ${utcMinute(t0)} is outside them: ${fix}`,
    };
  const hours = Math.floor((t1 >= t0 ? hi - t0 : t0 - lo) / 3_600_000);
  return {
    field: "forecastHours",
    message: `${variable} data at this position: ${list}; the run to ${utcMinute(t1)} goes past them: at most ${hours} h, ${fix}`,
  };
}
