// The particle cloud as search planning sees it: every particle's position in a local frame (metres) at
// every output time, and its weight. A particle has a position from its release on; one that stopped
// (stranded, out of forcing) stays where it stopped. Not released: NaN (nothing to detect).
import type { Trajectory } from "../core/trajectory.js";
import { Status } from "../core/types.js";
import { PlanningInputError } from "./errors.js";
import { type LocalFrame, localFrame, toX, toY } from "./frame.js";

export interface Cloud {
  n: number;
  /** Output times, Unix seconds, increasing. */
  times: Float64Array;
  /** East and north of the frame's origin, metres, time-major (k * n + i); NaN before release. */
  x: Float32Array;
  y: Float32Array;
  /** 1 where the particle is afloat (active) at output time k, time-major. */
  afloat: Uint8Array;
  /** Probability weight of each particle (the run's, times any earlier non-detection). */
  weight: Float64Array;
  frame: LocalFrame;
}

/** The cloud of a run's trajectory, in a frame centred on the weighted mean of all positions. */
export function cloudOfTrajectory(t: Trajectory, weight: Float64Array = t.weight): Cloud {
  const n = t.n;
  const nt = t.times.length;
  if (nt >= 2 && t.times[1] < t.times[0])
    throw new PlanningInputError(
      "Search planning needs a forward run (output times increasing), not a backtrack",
    );
  let sx = 0;
  let sy = 0;
  let sw = 0;
  for (let j = 0; j < n * nt; j++) {
    const lon = t.lon[j];
    const lat = t.lat[j];
    if (Number.isNaN(lon) || Number.isNaN(lat) || t.status[j] === Status.unreleased) continue;
    sx += lon;
    sy += lat;
    sw++;
  }
  if (sw === 0) throw new PlanningInputError("Search planning: no particle has a position");
  const frame = localFrame(sx / sw, sy / sw);
  const x = new Float32Array(n * nt).fill(Number.NaN);
  const y = new Float32Array(n * nt).fill(Number.NaN);
  const afloat = new Uint8Array(n * nt);
  for (let i = 0; i < n; i++) {
    let lastX = Number.NaN;
    let lastY = Number.NaN;
    let stopped = false;
    for (let k = 0; k < nt; k++) {
      const j = k * n + i;
      const s = t.status[j];
      if (!stopped && s !== Status.unreleased && !Number.isNaN(t.lon[j])) {
        lastX = toX(frame, t.lon[j]);
        lastY = toY(frame, t.lat[j]);
        if (s !== Status.active) stopped = true;
        else afloat[j] = 1;
      }
      x[j] = lastX;
      y[j] = lastY;
    }
  }
  return { n, times: Float64Array.from(t.times), x, y, afloat, weight: Float64Array.from(weight), frame };
}

/**
 * Positions of every particle at time `time` (linear between the output times around it; the first or last
 * output time outside them) into ox, oy. NaN where a particle has no position at either end.
 */
export function positionsAt(c: Cloud, time: number, ox: Float64Array, oy: Float64Array): void {
  const { n, times } = c;
  const nt = times.length;
  let k = 0;
  while (k < nt - 2 && times[k + 1] <= time) k++;
  const span = nt > 1 ? times[k + 1] - times[k] : 1;
  const f = nt > 1 ? Math.min(1, Math.max(0, (time - times[k]) / span)) : 0;
  const a = k * n;
  const b = nt > 1 ? (k + 1) * n : a;
  for (let i = 0; i < n; i++) {
    const x0 = c.x[a + i];
    const x1 = c.x[b + i];
    // Released between the two outputs: from its release position on.
    if (Number.isNaN(x0)) {
      ox[i] = f >= 1 ? x1 : Number.NaN;
      oy[i] = f >= 1 ? c.y[b + i] : Number.NaN;
      continue;
    }
    ox[i] = x0 + (x1 - x0) * f;
    oy[i] = c.y[a + i] + (c.y[b + i] - c.y[a + i]) * f;
  }
}

/** Sum of the weights. */
export function totalWeight(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

/** The output time at or before `time` (0 before the first): whose afloat flags hold while a unit passes. */
export function outputIndexAt(c: Cloud, time: number): number {
  let k = 0;
  while (k < c.times.length - 1 && c.times[k + 1] <= time) k++;
  return k;
}
