// What the pictures and the briefing are drawn from (MapInput) and the facts of a run their titles and
// legends show: direction, object, footer, the time index asked for and the centroid at a time.
import type { ProductContext } from "./context.js";
import type { Position } from "./geojson-types.js";
import type { DensityGrids, SearchAreaSnapshot } from "./types.js";

/** What every picture and the briefing are drawn from. */
export interface MapInput {
  ctx: ProductContext;
  grids: DensityGrids;
  /** One entry per output time (matched by `timeIndex`). */
  areas: SearchAreaSnapshot[];
  /** Land polygons around the cloud: polygons → rings → [lon, lat]; first ring outer, others holes. */
  coastline?: Position[][][];
  /** Replaces the default title ("Drift forecast — <object group> (<key>)"). */
  title?: string;
}

export function isBackward(ctx: ProductContext): boolean {
  return ctx.simulation.durationSeconds < 0;
}

export function objectTitle(ctx: ProductContext): string {
  if (ctx.scenarios && ctx.scenarios.length > 1) {
    return ctx.scenarios.map((s) => `${s.category.key} ${(s.weight * 100).toFixed(0)} %`).join(", ");
  }
  const c = ctx.category;
  return `${c.group} (${c.key})`;
}

/** The line under the title: the object's description, or the scenarios' names and weights. */
export function objectDescription(ctx: ProductContext): string {
  if (ctx.scenarios && ctx.scenarios.length > 1) {
    const list = ctx.scenarios.map((s) => `${s.name} ${(s.weight * 100).toFixed(0)} % (${s.category.key})`);
    return `${ctx.scenarios.length} scenarios: ${list.join(", ")}`;
  }
  return ctx.category.description;
}

/** "Driftline 0.1.0 — Leeway model; forcing: wind …; current …". */
export function footerText(ctx: ProductContext): string {
  const parts: string[] = [];
  for (const variable of ["wind", "current"] as const) {
    const names = ctx.forcing.filter((f) => f.variable === variable).map((f) => f.name);
    parts.push(`${variable} ${names.length ? names.join(", ") : "none"}`);
  }
  return `Driftline ${ctx.softwareVersion} — Leeway model; forcing: ${parts.join("; ")}`;
}

export function snapshotAt(areas: SearchAreaSnapshot[], timeIndex: number): SearchAreaSnapshot | undefined {
  return areas.find((a) => a.timeIndex === timeIndex);
}

/** Checks a time index against the trajectory and returns it (default: the last output time). */
export function resolveTimeIndex(input: MapInput, timeIndex?: number): number {
  const count = input.ctx.trajectory.times.length;
  if (count === 0) throw new Error("map: the trajectory has no output times");
  const k = timeIndex ?? count - 1;
  if (!Number.isInteger(k) || k < 0 || k >= count) {
    throw new Error(`map: timeIndex ${timeIndex} is outside the output times 0..${count - 1}`);
  }
  return k;
}

/** Centroid of snapshot k, from the analysis or else the run summary. */
export function centroidAt(input: MapInput, k: number): { lon: number; lat: number } | null {
  const snap = snapshotAt(input.areas, k);
  const lon = snap?.centroidLon ?? input.ctx.summaries[k]?.centroidLon ?? null;
  const lat = snap?.centroidLat ?? input.ctx.summaries[k]?.centroidLat ?? null;
  return lon === null || lat === null ? null : { lon, lat };
}
