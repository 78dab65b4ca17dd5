// Detection along moving particles: a searched track (a unit's route with times) detects each particle with
// the lateral-range probability at the particle's position at the time the unit passes. Between two output
// times both the unit and the particle move in straight lines, so the particle sees the unit pass along a
// straight relative line, and the inverse cube law integrates in closed form over it:
//   ∫ A/r³ dt over the piece = A·Δt·(f(y1) − f(y0))/(d·x²),  f(y) = y/√(x² + y²),
// x the particle's distance from the relative line, y0..y1 = y0 + d its span along it, A = k·v/2 the rate
// constant that makes an infinite leg at the unit's speed v give p(x) = 1 − exp(−k/x²), k = W²/(4π)
// (pod.ts). The logarithms of non-detection add over pieces, legs and tracks.
import { type Cloud, outputIndexAt, positionsAt } from "./cloud.js";
import type { LateralRange } from "./pod.js";

/** A unit's route in the cloud's frame: positions (metres) and times (Unix seconds), times increasing. */
export interface SearchTrack {
  x: Float64Array;
  y: Float64Array;
  times: Float64Array;
  /** Corrected sweep width, metres. */
  sweepWidthM: number;
  /** The unit's search speed (what the sweep width is for), m/s. */
  speedMs: number;
  model?: LateralRange;
  /** Only particles afloat can be detected (vessels: a stranded object is ashore, out of their reach). */
  afloatOnly?: boolean;
}

/** Closest lateral distance the law is evaluated at (metres): p(x) → 1 as x → 0 anyway. */
const X_MIN = 1;

/**
 * Adds −ln(non-detection) of `track` for every particle of `cloud` into `logMiss` (length cloud.n; start from
 * zeros). Particles without a position while the unit passes are not touched.
 */
export function accumulateDetection(cloud: Cloud, track: SearchTrack, logMiss: Float64Array): void {
  const n = cloud.n;
  const model = track.model ?? "inverse-cube";
  const w = track.sweepWidthM;
  if (!(w > 0) || track.times.length < 2) return;
  const k = (w * w) / (4 * Math.PI);
  const rate = (k * track.speedMs) / 2;
  const half2 = (w / 2) * (w / 2);
  let p0x = new Float64Array(n);
  let p0y = new Float64Array(n);
  let p1x = new Float64Array(n);
  let p1y = new Float64Array(n);
  let have = Number.NaN;
  const times = cloud.times;
  for (let leg = 0; leg + 1 < track.times.length; leg++) {
    const ta = track.times[leg];
    const tb = track.times[leg + 1];
    if (!(tb > ta)) continue;
    const cuts = [ta];
    for (let m = 0; m < times.length; m++) if (times[m] > ta && times[m] < tb) cuts.push(times[m]);
    cuts.push(tb);
    for (let c = 0; c + 1 < cuts.length; c++) {
      const t0 = cuts[c];
      const t1 = cuts[c + 1];
      if (have !== t0) positionsAt(cloud, t0, p0x, p0y);
      positionsAt(cloud, t1, p1x, p1y);
      const fa = (t0 - ta) / (tb - ta);
      const fb = (t1 - ta) / (tb - ta);
      const ax = track.x[leg];
      const ay = track.y[leg];
      const dxLeg = track.x[leg + 1] - ax;
      const dyLeg = track.y[leg + 1] - ay;
      const s0x = ax + dxLeg * fa;
      const s0y = ay + dyLeg * fa;
      const s1x = ax + dxLeg * fb;
      const s1y = ay + dyLeg * fb;
      const dt = t1 - t0;
      const afloat = track.afloatOnly ? outputIndexAt(cloud, t0) * n : -1;
      for (let i = 0; i < n; i++) {
        const px0 = p0x[i];
        const px1 = p1x[i];
        if (Number.isNaN(px0) || Number.isNaN(px1)) continue;
        if (afloat >= 0 && cloud.afloat[afloat + i] === 0) continue;
        const r0x = px0 - s0x;
        const r0y = p0y[i] - s0y;
        const vx = px1 - s1x - r0x;
        const vy = p1y[i] - s1y - r0y;
        const d = Math.sqrt(vx * vx + vy * vy);
        if (model === "definite-range") {
          let s = d > 0 ? -(r0x * vx + r0y * vy) / (d * d) : 0;
          s = Math.max(0, Math.min(s, 1));
          const cx = r0x + s * vx;
          const cy = r0y + s * vy;
          if (cx * cx + cy * cy <= half2) logMiss[i] = Number.POSITIVE_INFINITY;
          continue;
        }
        const r2 = r0x * r0x + r0y * r0y;
        let g: number;
        if (d < 1e-9 * (Math.sqrt(r2) + 1)) {
          const rr = Math.sqrt(r2 + X_MIN * X_MIN);
          g = 1 / (rr * rr * rr);
        } else {
          const ux = vx / d;
          const uy = vy / d;
          const y0 = r0x * ux + r0y * uy;
          const y1 = y0 + d;
          let x = Math.abs(r0x * uy - r0y * ux);
          if (x < X_MIN) x = X_MIN;
          const x2 = x * x;
          g = (y1 / Math.sqrt(x2 + y1 * y1) - y0 / Math.sqrt(x2 + y0 * y0)) / (d * x2);
        }
        logMiss[i] += rate * dt * g;
      }
      // The end of this piece is the start of the next.
      [p0x, p1x] = [p1x, p0x];
      [p0y, p1y] = [p1y, p0y];
      have = t1;
    }
  }
}

/** −ln(non-detection) of every particle for a set of tracks. */
export function detectionOf(cloud: Cloud, tracks: readonly SearchTrack[]): Float64Array {
  const logMiss = new Float64Array(cloud.n);
  for (const t of tracks) accumulateDetection(cloud, t, logMiss);
  return logMiss;
}

/** Probability of success: the weighted share of particles detected, Σ w (1 − e^(−logMiss)) / Σ w. */
export function probabilityOfSuccess(weight: Float64Array, logMiss: Float64Array): number {
  let found = 0;
  let total = 0;
  for (let i = 0; i < weight.length; i++) {
    total += weight[i];
    found += weight[i] * -Math.expm1(-logMiss[i]);
  }
  return total > 0 ? found / total : 0;
}
