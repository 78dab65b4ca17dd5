// Where on the shore to look: the stranded particles (by weight) per stretch of GSHHG shoreline. Each coastline
// ring near the strandings is cut into stretches of about STRETCH_KM along the shore; every particle that
// stranded is counted on the stretch nearest to where it first stranded. shore_stretches.geojson holds the
// stretches that got any, as LineStrings with the share of all particles (by weight) stranded there, the first
// time one did and a rank (1 = most): a shore party goes to the top ones first.
import { writeFile } from "node:fs/promises";
import { coastlinePolygons } from "../coastline/index.js";
import { Status } from "../core/types.js";
import type { ProductContext } from "./context.js";
import type { Position } from "./geojson-types.js";
import { isoUtc } from "./time-format.js";

/** Length of a shore stretch, km. */
export const STRETCH_KM = 2;

export interface ShoreStretch {
  line: Position[];
  /** Share of all particles (by weight) that stranded on the stretch. */
  share: number;
  particles: number;
  /** Unix seconds of the first stranding on it. */
  firstTime: number;
}

/** First stranding of every particle that stranded: position, time and weight. */
function strandings(ctx: ProductContext) {
  const t = ctx.trajectory;
  const out: { lon: number; lat: number; time: number; weight: number }[] = [];
  for (let i = 0; i < t.n; i++) {
    for (let k = 0; k < t.times.length; k++) {
      if (t.status[k * t.n + i] === Status.stranded) {
        out.push({ lon: t.lon[k * t.n + i], lat: t.lat[k * t.n + i], time: t.times[k], weight: t.weight[i] });
        break;
      }
    }
  }
  return out;
}

/** Stretches with strandings, largest share first; `rings` are coastline rings (lon/lat) around them. */
export function shoreStretches(ctx: ProductContext, rings: readonly Position[][]): ShoreStretch[] {
  const t = ctx.trajectory;
  let total = 0;
  for (let i = 0; i < t.n; i++) total += t.weight[i];
  const hits = strandings(ctx);
  if (hits.length === 0 || rings.length === 0) return [];
  const lat0 = hits[0].lat;
  const kx = 111.32 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110.57;
  // Cut every ring into stretches of about STRETCH_KM.
  const stretches: { line: Position[] }[] = [];
  for (const ring of rings) {
    let line: Position[] = [ring[0]];
    let length = 0;
    for (let v = 1; v < ring.length; v++) {
      const [a, b] = [ring[v - 1], ring[v]];
      length += Math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * ky);
      line.push(b);
      if (length >= STRETCH_KM || v === ring.length - 1) {
        stretches.push({ line });
        line = [b];
        length = 0;
      }
    }
  }
  const share = new Float64Array(stretches.length);
  const count = new Uint32Array(stretches.length);
  const first = new Float64Array(stretches.length).fill(Infinity);
  for (const h of hits) {
    let best = -1;
    let bestD = Infinity;
    const px = h.lon * kx;
    const py = h.lat * ky;
    for (let s = 0; s < stretches.length; s++) {
      const line = stretches[s].line;
      for (let v = 1; v < line.length; v++) {
        const ax = line[v - 1][0] * kx;
        const ay = line[v - 1][1] * ky;
        const dx = line[v][0] * kx - ax;
        const dy = line[v][1] * ky - ay;
        const l2 = dx * dx + dy * dy;
        const u = l2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0;
        const d = (ax + u * dx - px) ** 2 + (ay + u * dy - py) ** 2;
        if (d < bestD) {
          bestD = d;
          best = s;
        }
      }
    }
    share[best] += h.weight / total;
    count[best]++;
    first[best] = Math.min(first[best], h.time);
  }
  const out: ShoreStretch[] = [];
  for (let s = 0; s < stretches.length; s++) {
    if (count[s] > 0)
      out.push({ line: stretches[s].line, share: share[s], particles: count[s], firstTime: first[s] });
  }
  return out.sort((a, b) => b.share - a.share || a.firstTime - b.firstTime);
}

/** The coastline rings around the strandings (GSHHG full resolution, 0.1° beyond them). */
export async function shoreRings(ctx: ProductContext): Promise<Position[][]> {
  const hits = strandings(ctx);
  if (hits.length === 0) return [];
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const h of hits) {
    west = Math.min(west, h.lon);
    east = Math.max(east, h.lon);
    south = Math.min(south, h.lat);
    north = Math.max(north, h.lat);
  }
  const polys = await coastlinePolygons({
    west: west - 0.1,
    east: east + 0.1,
    south: south - 0.1,
    north: north + 0.1,
  });
  return polys.map((p) => p[0]);
}

export async function writeShoreGeoJson(ctx: ProductContext, path: string): Promise<void> {
  const stretches = shoreStretches(ctx, await shoreRings(ctx));
  const round = (v: number) => Math.round(v * 1e7) / 1e7;
  const features = stretches.map((s, r) => ({
    type: "Feature",
    geometry: { type: "LineString", coordinates: s.line.map((p) => [round(p[0]), round(p[1])]) },
    properties: {
      kind: "shore_stretch",
      rank: r + 1,
      share: Math.round(s.share * 1e6) / 1e6,
      particles: s.particles,
      first_time: isoUtc(s.firstTime),
    },
  }));
  await writeFile(path, `${JSON.stringify({ type: "FeatureCollection", features })}\n`, "utf8");
}
