// Per-output-time statistics of a run (summary.json, and the position estimate of every product):
// counts and weighted shares by status, centroid and spread of the particles still afloat (weighted by
// Trajectory.weight: every particle weighs 1 unless a scenario or ensemble weighs them).
import type { Trajectory } from "../core/trajectory.js";
import { type SnapshotSummary, STATUS_FLAGS, Status } from "../core/types.js";

const DEG = Math.PI / 180;
/** WGS84 semi-major axis (m) and first eccentricity squared. */
const WGS84_A = 6378137;
const WGS84_E2 = 0.00669437999014;

/** Metres per degree east and north at a latitude (WGS84 prime-vertical and meridian radii). */
export function metresPerDegree(latDeg: number): { east: number; north: number } {
  const s = Math.sin(latDeg * DEG);
  const w = Math.sqrt(1 - WGS84_E2 * s * s);
  const n = WGS84_A / w;
  const m = (WGS84_A * (1 - WGS84_E2)) / (w * w * w);
  return { east: n * Math.cos(latDeg * DEG) * DEG, north: m * DEG };
}

/** Status names in summaries: the flags of particles.nc plus "unreleased". */
export const COUNT_KEYS: readonly string[] = [...STATUS_FLAGS.map((f) => f.meaning), "unreleased"];

function statusName(code: number): string {
  if (code === Status.unreleased) return "unreleased";
  for (const f of STATUS_FLAGS) if (f.value === code) return f.meaning;
  return `status_${code}`;
}

/** Counts by status name at snapshot k (every key of COUNT_KEYS present). */
export function statusCounts(t: Trajectory, k: number): Record<string, number> {
  const tally = new Float64Array(256);
  const o = k * t.n;
  for (let i = 0; i < t.n; i++) tally[t.status[o + i]]++;
  const counts: Record<string, number> = {};
  for (const key of COUNT_KEYS) counts[key] = 0;
  for (let c = 0; c < 256; c++) if (tally[c] > 0) counts[statusName(c)] = tally[c];
  return counts;
}

/**
 * Share of the particles' total weight by status name at snapshot k (every key of COUNT_KEYS present): the
 * probability of each state.
 */
export function statusShares(t: Trajectory, k: number): Record<string, number> {
  const tally = new Float64Array(256);
  const o = k * t.n;
  const w = t.weight;
  let total = 0;
  for (let i = 0; i < t.n; i++) {
    tally[t.status[o + i]] += w[i];
    total += w[i];
  }
  const shares: Record<string, number> = {};
  for (const key of COUNT_KEYS) shares[key] = 0;
  if (!(total > 0)) return shares;
  for (let c = 0; c < 256; c++) if (tally[c] > 0) shares[statusName(c)] = tally[c] / total;
  return shares;
}

/**
 * Weighted centroid and spread of the active particles at snapshot k; longitudes unwrapped around the first
 * one. `count` is the number of particles, `weight` their summed weight.
 */
export function afloatStatistics(
  t: Trajectory,
  k: number,
): { lon: number; lat: number; stdEastKm: number; stdNorthKm: number; count: number; weight: number } | null {
  const o = k * t.n;
  const w = t.weight;
  let ref = Number.NaN;
  let refLat = 0;
  let count = 0;
  let sw = 0;
  // Sums of offsets from the first particle (small numbers, so the one-pass variance stays accurate).
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < t.n; i++) {
    if (t.status[o + i] !== Status.active) continue;
    const x = t.lon[o + i];
    const y = t.lat[o + i];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    if (Number.isNaN(ref)) {
      ref = x;
      refLat = y;
    }
    let dx = x - ref;
    if (dx > 180 || dx < -180) dx = ((((dx + 180) % 360) + 360) % 360) - 180;
    const dy = y - refLat;
    const wi = w[i];
    sx += wi * dx;
    sy += wi * dy;
    sxx += wi * dx * dx;
    syy += wi * dy * dy;
    sw += wi;
    count++;
  }
  if (count === 0 || !(sw > 0)) return null;
  const mx = sx / sw;
  const my = sy / sw;
  const lat = refLat + my;
  const scale = metresPerDegree(lat);
  let lon = ref + mx;
  if (lon >= 180) lon -= 360;
  else if (lon < -180) lon += 360;
  return {
    lon,
    lat,
    stdEastKm: (Math.sqrt(Math.max(0, sxx / sw - mx * mx)) * scale.east) / 1000,
    stdNorthKm: (Math.sqrt(Math.max(0, syy / sw - my * my)) * scale.north) / 1000,
    count,
    weight: sw,
  };
}

/**
 * One summary per output time: counts and weighted shares by status, weighted centroid of the active (afloat)
 * particles and their standard deviation east and north in km (population standard deviation, local metres per degree at the
 * centroid). Centroid and spread are null when no particle is afloat.
 */
export function buildSnapshotSummaries(t: Trajectory): SnapshotSummary[] {
  const out: SnapshotSummary[] = [];
  for (let k = 0; k < t.times.length; k++) {
    const s = afloatStatistics(t, k);
    out.push({
      time: t.times[k],
      counts: statusCounts(t, k),
      shares: statusShares(t, k),
      centroidLon: s ? s.lon : null,
      centroidLat: s ? s.lat : null,
      stdEastKm: s ? s.stdEastKm : null,
      stdNorthKm: s ? s.stdNorthKm : null,
    });
  }
  return out;
}

/** summary.json's per-time entries: the summaries with an RFC 3339 time beside the Unix one. */
export function summariesForJson(summaries: readonly SnapshotSummary[]): Record<string, unknown>[] {
  return summaries.map((s) => ({
    time: new Date(Math.round(s.time) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    unix_time: s.time,
    counts: s.counts,
    ...(s.shares ? { shares: s.shares } : {}),
    centroid_lon: s.centroidLon,
    centroid_lat: s.centroidLat,
    std_east_km: s.stdEastKm,
    std_north_km: s.stdNorthKm,
  }));
}
