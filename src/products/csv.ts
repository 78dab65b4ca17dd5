// CSV for spreadsheets, chart plotters and legacy tools: particles.csv (particle positions) and
// search_areas.csv (corners of every search area, centroid, most likely and last known position) in decimal
// degrees and, for search_areas.csv, degrees and decimal minutes as on a chart (60°05.123'N 004°30.456'E).
import { open, writeFile } from "node:fs/promises";
import type { ProductContext } from "./context.js";
import { formatDegreesMinutes, wrapLon } from "./coordinates.js";
import type { Position } from "./geojson-types.js";
import { areaOutlines } from "./outline.js";
import { TextFileWriter } from "./text-writer.js";
import { isoUtc } from "./time-format.js";
import { sampleParticles, shownAt, statusName } from "./tracks.js";
import type { SearchAreaSnapshot } from "./types.js";

/** Default most particles in particles.csv: every particle of a mission-sized run, a sample of huge ones. */
export const CSV_MAX_PARTICLES = 20_000;

export interface ParticlesCsvOptions {
  /** Particles written, spread evenly over the run (default CSV_MAX_PARTICLES; particles.nc has them all). */
  maxParticles?: number;
}

/**
 * particles.csv: `time,particle_id,lon,lat,status` for every output time and every particle shown at it
 * (released, and not after deactivation), time-ordered; particle_id is particles.nc's 1-based trajectory
 * number; positions in decimal degrees (5 decimals, about 1 m). Returns the number of rows.
 */
export async function writeParticlesCsv(
  ctx: ProductContext,
  path: string,
  opts: ParticlesCsvOptions = {},
): Promise<number> {
  const t = ctx.trajectory;
  const max = opts.maxParticles ?? CSV_MAX_PARTICLES;
  if (!(Number.isInteger(max) && max >= 1))
    throw new Error(`particles.csv maxParticles: must be an integer ≥ 1, got ${max}`);
  const particles = sampleParticles(t.n, max);
  const fh = await open(path, "w");
  let rows = 0;
  try {
    const out = new TextFileWriter(fh);
    await out.text("time,particle_id,lon,lat,status\n");
    // Each status name and time as bytes, encoded once.
    const names: (Uint8Array | undefined)[] = [];
    const COMMA = 0x2c;
    for (let k = 0; k < t.times.length; k++) {
      const time = Buffer.from(`${isoUtc(t.times[k])},`, "latin1");
      const o = k * t.n;
      for (const i of particles) {
        if (!shownAt(t, k, i)) continue;
        const s = t.status[o + i];
        const name = (names[s] ??= Buffer.from(`,${statusName(s)}\n`, "latin1"));
        out.bytes(time);
        out.number(i + 1);
        out.byte(COMMA);
        out.fixed5(wrapLon(t.lon[o + i]));
        out.byte(COMMA);
        out.fixed5(t.lat[o + i]);
        out.bytes(name);
        rows++;
        if (out.full) await out.flush();
      }
    }
    await out.flush();
  } finally {
    await fh.close();
  }
  return rows;
}

const CSV_HEADER =
  "kind,time,hours_elapsed,percent,area_km2,area_nm2,polygon,ring,vertex,lat,lon,lat_dm,lon_dm";

function pointRow(kind: string, time: string, hours: string, lon: number, lat: number): string {
  const x = wrapLon(lon);
  return `${kind},${time},${hours},,,,,,,${lat.toFixed(6)},${x.toFixed(6)},${formatDegreesMinutes(lat, "lat", 3)},${formatDegreesMinutes(x, "lon", 3)}`;
}

/** lat, lon (6 decimals) and the same rounded positions in degrees-minutes. */
function cornerColumns(c: Position): string {
  const lat = c[1].toFixed(6);
  const lon = wrapLon(c[0]).toFixed(6);
  return `${lat},${lon},${formatDegreesMinutes(Number(lat), "lat", 3)},${formatDegreesMinutes(Number(lon), "lon", 3)}`;
}

/**
 * search_areas.csv: one row per corner of every search area (kind `area_corner`; polygon and ring numbers,
 * ring 0 the outer boundary and 1… holes; the closing vertex is not repeated), and one row per time for the
 * centroid and the most likely position, plus the last known position; and the outline of every piece (kind
 * `outline_corner`, ring 0): a convex polygon of at most 12 corners that contains the piece (outline.ts).
 */
export function searchAreasCsv(ctx: ProductContext, snapshots: readonly SearchAreaSnapshot[]): string {
  const lines = [CSV_HEADER];
  const r = ctx.simulation.release;
  lines.push(pointRow("last_known_position", isoUtc(r.time[0]), "", r.lon[0], r.lat[0]));
  for (const s of snapshots) {
    const time = isoUtc(s.time);
    const hours = String(Math.round(s.hoursElapsed * 1e6) / 1e6);
    if (s.centroidLon !== null && s.centroidLat !== null) {
      lines.push(pointRow("centroid", time, hours, s.centroidLon, s.centroidLat));
    }
    if (s.mostLikelyLon !== null && s.mostLikelyLat !== null) {
      lines.push(pointRow("most_likely", time, hours, s.mostLikelyLon, s.mostLikelyLat));
    }
    for (const key of ["50", "90", "95"] as const) {
      const a = s.areas[key];
      if (!a) continue;
      const polys: Position[][][] =
        a.geometry.type === "Polygon" ? [a.geometry.coordinates] : a.geometry.coordinates;
      const head = `area_corner,${time},${hours},${a.percent},${a.areaKm2.toFixed(3)},${a.areaNm2.toFixed(3)}`;
      // The outline a chart plotter takes: at most 12 corners per piece, holding the piece's probability.
      areaOutlines(a.geometry).forEach((poly, p) => {
        const ring = poly.coordinates[0];
        for (let v = 0; v < ring.length - 1; v++) {
          lines.push(
            `outline_corner${head.slice(head.indexOf(","))},${p + 1},0,${v + 1},${cornerColumns(ring[v])}`,
          );
        }
      });
      polys.forEach((rings, p) => {
        rings.forEach((ring, q) => {
          for (let v = 0; v < ring.length - 1; v++) {
            lines.push(`${head},${p + 1},${q},${v + 1},${cornerColumns(ring[v])}`);
          }
        });
      });
    }
  }
  return `${lines.join("\n")}\n`;
}

export async function writeSearchAreasCsv(
  ctx: ProductContext,
  snapshots: readonly SearchAreaSnapshot[],
  path: string,
): Promise<void> {
  await writeFile(path, searchAreasCsv(ctx, snapshots), "utf8");
}
