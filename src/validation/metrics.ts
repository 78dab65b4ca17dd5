// Forecast against observed drift, per drifter and in total (issue 23):
//  - separation (geodesic, km) of the forecast's centroid and most likely position from the observed position
//    at every output time the observation spans, and at lead times 6/12/24/48/72 h and the track's end;
//  - the Liu & Weisberg (2011) normalised cumulative separation s = Σ dᵢ / Σ l₀ᵢ (dᵢ the separation at the
//    i-th output time after the start, l₀ᵢ the observed track's length from the start to then) and the skill
//    score SS = 1 − s for s < 1, else 0 (tolerance n = 1); the unclipped 1 − s is kept too, since a mean of
//    clipped scores hides how bad the bad cases are;
//  - the rank of the observed position in the forecast density (the share of probability in denser places: the
//    smallest p % area that holds it) and whether the 50/90/95 % search areas (the polygons delivered) hold it,
//    pooled into hit rates.
// The observed position at an output time is interpolated between the fixes around it (track.ts).
import { geodesicInverse } from "../core/geodesy.js";
import type { MultiPolygon, Polygon } from "../products/geojson-types.js";
import type { SearchAreaSnapshot } from "../products/types.js";
import { type ObservedTrack, observedAt } from "./track.js";

export const LEAD_HOURS = [6, 12, 24, 48, 72] as const;
export const AREA_PERCENTS = ["50", "90", "95"] as const;
type Percent = (typeof AREA_PERCENTS)[number];

/** One output time of the comparison. */
export interface ComparedPoint {
  time: number;
  /** Hours since the forecast's start. */
  hours: number;
  observedLon: number;
  observedLat: number;
  /** Null when nothing was afloat. */
  centroidKm: number | null;
  mostLikelyKm: number | null;
  /** Share of the forecast's probability in places denser than the observed position (0…1; 1 outside); null when unknown. */
  rank: number | null;
  /** Is the observed position inside the 50/90/95 % search area (null when the area is absent)? */
  inside: Record<Percent, boolean | null>;
}

export interface LeadSeparation {
  /** "6 h" … "72 h", or "end". */
  label: string;
  hours: number;
  centroidKm: number | null;
  mostLikelyKm: number | null;
}

export interface Skill {
  /** Σ dᵢ / Σ l₀ᵢ; null when the observed object did not move. */
  s: number | null;
  /** 1 − s for s < 1, else 0. */
  ss: number | null;
  /** 1 − s. */
  unclipped: number | null;
}

export interface HitRate {
  hits: number;
  n: number;
  /** hits / n, null when n = 0. */
  rate: number | null;
}

export interface DrifterValidation {
  id: string;
  firstTime: number;
  lastTime: number;
  /** Observed track length over the compared period, km. */
  observedKm: number;
  points: ComparedPoint[];
  /** LEAD_HOURS within the compared period, then the end (the last output time with something afloat). */
  leads: LeadSeparation[];
  skillCentroid: Skill;
  skillMostLikely: Skill;
  /** The centroid's sums behind s: Σ dᵢ and Σ l₀ᵢ (km) over n output times (pooled in the total). */
  sums: { separationKm: number; lengthKm: number; n: number };
  hitRates: Record<Percent, HitRate>;
  /** Mean rank over the points after the start (ideal: 0.5 for a calibrated forecast). */
  meanRank: number | null;
}

export interface ValidationTotal {
  drifters: number;
  /** Per lead: mean separation over the drifters that reach it, and how many did. */
  leads: {
    label: string;
    hours: number;
    centroidKm: number | null;
    mostLikelyKm: number | null;
    n: number;
  }[];
  /** Pooled s over all drifters (Σ all d / Σ all l₀), with SS and 1 − s of it. */
  pooledCentroid: Skill;
  /** Means over drifters of SS (clipped) and of 1 − s (unclipped). */
  meanSsCentroid: number | null;
  meanUnclippedCentroid: number | null;
  meanSsMostLikely: number | null;
  meanUnclippedMostLikely: number | null;
  hitRates: Record<Percent, HitRate>;
}

const km = (lon1: number, lat1: number, lon2: number | null, lat2: number | null): number | null =>
  lon2 === null || lat2 === null ? null : geodesicInverse(lat1, lon1, lat2, lon2).distM / 1000;

/** Ray casting in lon/lat (unwrapped around the point), holes excluded. */
export function insideGeometry(geometry: Polygon | MultiPolygon, lon: number, lat: number): boolean {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const inRing = (ring: number[][]) => {
    let inside = false;
    for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
      let xa = ring[a][0] - lon;
      let xb = ring[b][0] - lon;
      xa -= 360 * Math.round(xa / 360);
      xb -= 360 * Math.round(xb / 360);
      const ya = ring[a][1];
      const yb = ring[b][1];
      if (ya > lat !== yb > lat && 0 < xa + ((lat - ya) / (yb - ya)) * (xb - xa)) inside = !inside;
    }
    return inside;
  };
  return polygons.some((rings) => inRing(rings[0]) && !rings.slice(1).some(inRing));
}

function skillOf(d: number, l: number, n: number): Skill {
  if (n === 0 || !(l > 0)) return { s: null, ss: null, unclipped: null };
  const s = d / l;
  return { s, ss: s < 1 ? 1 - s : 0, unclipped: 1 - s };
}

const mean = (v: (number | null)[]): number | null => {
  const x = v.filter((a): a is number => a !== null);
  return x.length ? x.reduce((a, b) => a + b, 0) / x.length : null;
};

/**
 * Compares one observed track with a forward forecast: `snapshots` its search-area snapshots (output times,
 * centroid, most likely position, areas), `startTime` its start, `ranks[k]` the observation's rank in the
 * density at output time k (NaN when unknown; forecast.ts). Returns null when the track and the forecast
 * share no output time.
 */
export function validateDrifter(
  track: ObservedTrack,
  snapshots: readonly SearchAreaSnapshot[],
  startTime: number,
  ranks?: Float64Array,
): DrifterValidation | null {
  const points: ComparedPoint[] = [];
  const lengths: number[] = [];
  let prev: { lon: number; lat: number; t: number } | null = null;
  let fix = 0;
  let length = 0;
  const step = (lon: number, lat: number) => {
    if (prev) length += geodesicInverse(prev.lat, prev.lon, lat, lon).distM / 1000;
  };
  for (let k = 0; k < snapshots.length; k++) {
    const snap = snapshots[k];
    if (snap.time < startTime) continue;
    const obs = observedAt(track, snap.time);
    if (!obs) continue;
    // Observed length: along the fixes between the previous compared time and this one.
    if (prev) {
      while (fix < track.times.length && track.times[fix] <= prev.t) fix++;
      while (fix < track.times.length && track.times[fix] < snap.time) {
        step(track.lon[fix], track.lat[fix]);
        prev = { lon: track.lon[fix], lat: track.lat[fix], t: track.times[fix] };
        fix++;
      }
      step(obs.lon, obs.lat);
    }
    prev = { ...obs, t: snap.time };
    lengths.push(length);
    const rank = ranks && Number.isFinite(ranks[k]) ? ranks[k] : null;
    const inside = {} as Record<Percent, boolean | null>;
    for (const p of AREA_PERCENTS) {
      const area = snap.areas[p];
      inside[p] = area ? insideGeometry(area.geometry, obs.lon, obs.lat) : null;
    }
    points.push({
      time: snap.time,
      hours: (snap.time - startTime) / 3600,
      observedLon: obs.lon,
      observedLat: obs.lat,
      centroidKm: km(obs.lon, obs.lat, snap.centroidLon, snap.centroidLat),
      mostLikelyKm: km(obs.lon, obs.lat, snap.mostLikelyLon, snap.mostLikelyLat),
      rank,
      inside,
    });
  }
  if (points.length === 0) return null;

  // Liu–Weisberg over the points after the first.
  let dC = 0;
  let dM = 0;
  let lC = 0;
  let lM = 0;
  let nC = 0;
  let nM = 0;
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    if (p.centroidKm !== null) {
      dC += p.centroidKm;
      lC += lengths[i];
      nC++;
    }
    if (p.mostLikelyKm !== null) {
      dM += p.mostLikelyKm;
      lM += lengths[i];
      nM++;
    }
  }

  const hitRates = {} as Record<Percent, HitRate>;
  for (const p of AREA_PERCENTS) {
    let hits = 0;
    let n = 0;
    for (let i = 1; i < points.length; i++) {
      const v = points[i].inside[p];
      if (v === null) continue;
      n++;
      if (v) hits++;
    }
    hitRates[p] = { hits, n, rate: n ? hits / n : null };
  }

  const last = points[points.length - 1];
  const interpolate = (hours: number, key: "centroidKm" | "mostLikelyKm"): number | null => {
    for (let i = 0; i < points.length; i++) {
      if (points[i].hours === hours) return points[i][key];
      if (points[i].hours > hours) {
        if (i === 0) return null;
        const a = points[i - 1][key];
        const b = points[i][key];
        if (a === null || b === null) return null;
        const f = (hours - points[i - 1].hours) / (points[i].hours - points[i - 1].hours);
        return a + f * (b - a);
      }
    }
    return null;
  };
  const leads: LeadSeparation[] = LEAD_HOURS.filter((h) => h >= points[0].hours && h <= last.hours).map(
    (h) => ({
      label: `${h} h`,
      hours: h,
      centroidKm: interpolate(h, "centroidKm"),
      mostLikelyKm: interpolate(h, "mostLikelyKm"),
    }),
  );
  // The end: the last output time with something afloat to compare (a stranded cloud has no position).
  const end = points.findLast((p) => p.centroidKm !== null) ?? last;
  leads.push({ label: "end", hours: end.hours, centroidKm: end.centroidKm, mostLikelyKm: end.mostLikelyKm });

  return {
    id: track.id,
    firstTime: points[0].time,
    lastTime: last.time,
    observedKm: lengths[lengths.length - 1],
    points,
    leads,
    skillCentroid: skillOf(dC, lC, nC),
    skillMostLikely: skillOf(dM, lM, nM),
    hitRates,
    sums: { separationKm: dC, lengthKm: lC, n: nC },
    meanRank: mean(points.slice(1).map((p) => p.rank)),
  };
}

/** Figures over all drifters: mean separations per lead, pooled and mean skill, pooled hit rates. */
export function validationTotal(drifters: readonly DrifterValidation[]): ValidationTotal {
  const labels = [...LEAD_HOURS.map((h) => `${h} h`), "end"];
  const leads = labels.map((label) => {
    const rows = drifters.map((d) => d.leads.find((l) => l.label === label)).filter((l) => l !== undefined);
    return {
      label,
      hours: label === "end" ? (mean(rows.map((r) => r.hours)) ?? 0) : Number.parseInt(label, 10),
      centroidKm: mean(rows.map((r) => r.centroidKm)),
      mostLikelyKm: mean(rows.map((r) => r.mostLikelyKm)),
      n: rows.length,
    };
  });
  let d = 0;
  let l = 0;
  let n = 0;
  for (const v of drifters) {
    d += v.sums.separationKm;
    l += v.sums.lengthKm;
    n += v.sums.n;
  }
  const hitRates = {} as Record<Percent, HitRate>;
  for (const p of AREA_PERCENTS) {
    const hits = drifters.reduce((a, v) => a + v.hitRates[p].hits, 0);
    const total = drifters.reduce((a, v) => a + v.hitRates[p].n, 0);
    hitRates[p] = { hits, n: total, rate: total ? hits / total : null };
  }
  return {
    drifters: drifters.length,
    leads: leads.filter((r) => r.n > 0),
    pooledCentroid: skillOf(d, l, n),
    meanSsCentroid: mean(drifters.map((v) => v.skillCentroid.ss)),
    meanUnclippedCentroid: mean(drifters.map((v) => v.skillCentroid.unclipped)),
    meanSsMostLikely: mean(drifters.map((v) => v.skillMostLikely.ss)),
    meanUnclippedMostLikely: mean(drifters.map((v) => v.skillMostLikely.unclipped)),
    hitRates,
  };
}
