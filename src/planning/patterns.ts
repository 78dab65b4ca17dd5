// Search patterns (IAMSAR Vol. II ch. 5) as waypoints in a local frame (metres): parallel sweep (legs along
// the area's major axis, stepping across), creeping line (legs across, advancing along the axis), expanding
// square (from the datum, legs S, S, 2S, 2S, …) and sector (three 120° sectors of radius R from the datum).
// Waypoints are laid in the water's frame at the area's reference time, timed at the unit's speed, then
// moved with the drift (drift compensation): a waypoint flown at time t is shifted by the drift between
// the reference time and t, so the pattern stays on the water it was laid over.
import type { PatternName } from "./sweep-width.js";

/** A rectangle in the local frame: centre, major-axis direction (radians, counter-clockwise from east). */
export interface SearchRect {
  cx: number;
  cy: number;
  angle: number;
  /** Along the major axis and across it, metres. */
  length: number;
  width: number;
}

export interface PatternSpec {
  pattern: PatternName;
  rect: SearchRect;
  spacing: number;
  /** Track the unit can fly, metres (speed × on-scene time). */
  trackLength: number;
}

/** The rectangle's corners, counter-clockwise from the rear left (x, y pairs). */
export function rectCorners(r: SearchRect): [number, number][] {
  const ux = Math.cos(r.angle);
  const uy = Math.sin(r.angle);
  const hl = r.length / 2;
  const hw = r.width / 2;
  return [
    [-hl, -hw],
    [hl, -hw],
    [hl, hw],
    [-hl, hw],
  ].map(([a, b]) => [r.cx + a * ux - b * uy, r.cy + a * uy + b * ux]);
}

/** Waypoints of a pattern in the frame (no times yet), at most `trackLength` long. */
export function patternWaypoints(p: PatternSpec): { x: number[]; y: number[] } {
  const { rect: r, spacing: s } = p;
  const ux = Math.cos(r.angle);
  const uy = Math.sin(r.angle);
  // Along (a) and across (b) the axis, from the centre.
  const pts: [number, number][] = [];
  if (p.pattern === "parallel" || p.pattern === "creeping") {
    const along = p.pattern === "parallel";
    const legLength = along ? r.length : r.width;
    const span = along ? r.width : r.length;
    const legs = Math.max(1, Math.round(span / s));
    let forward = true;
    for (let j = 0; j < legs; j++) {
      const off = -span / 2 + s * (j + 0.5);
      const from = forward ? -legLength / 2 : legLength / 2;
      const to = -from;
      pts.push(along ? [from, off] : [off, from], along ? [to, off] : [off, to]);
      forward = !forward;
    }
  } else if (p.pattern === "expanding-square") {
    // Legs S, S, 2S, 2S, … turning right, until the track is used.
    pts.push([0, 0]);
    let a = 0;
    let b = 0;
    let used = 0;
    const dirs: [number, number][] = [
      [1, 0],
      [0, -1],
      [-1, 0],
      [0, 1],
    ];
    for (let j = 0; used < p.trackLength && j < 400; j++) {
      const len = Math.min(s * (Math.floor(j / 2) + 1), p.trackLength - used);
      a += dirs[j % 4][0] * len;
      b += dirs[j % 4][1] * len;
      used += len;
      pts.push([a, b]);
    }
  } else {
    // Sector: out R, turn 120° right, across R, turn 120° right, back R to the datum and on through it as
    // the next sector's outbound leg: nine legs of R, the three sectors 120° apart.
    const radius = Math.min(Math.max(r.length, r.width) / 2, p.trackLength / 9);
    pts.push([0, 0]);
    let a = 0;
    let b = 0;
    for (let j = 0; j < 9; j++) {
      const heading = (-(j - Math.floor(j / 3)) * 2 * Math.PI) / 3;
      a += radius * Math.cos(heading);
      b += radius * Math.sin(heading);
      pts.push([a, b]);
    }
  }
  return {
    x: pts.map(([a, b]) => r.cx + a * ux - b * uy),
    y: pts.map(([a, b]) => r.cy + a * uy + b * ux),
  };
}

/** Length of a polyline, metres. */
export function pathLength(x: readonly number[], y: readonly number[]): number {
  let d = 0;
  for (let j = 1; j < x.length; j++) d += Math.hypot(x[j] - x[j - 1], y[j] - y[j - 1]);
  return d;
}

/**
 * Times of the waypoints at `speed` (m/s) from `start`, the path cut where the time runs out (`end`), and
 * each waypoint moved by drift(t) − drift(tRef) (drift compensation; `drift` gives the water's displacement
 * at a time, metres).
 */
export function timedWaypoints(
  path: { x: number[]; y: number[] },
  speed: number,
  start: number,
  end: number,
  tRef: number,
  drift: (t: number) => [number, number],
): { x: Float64Array; y: Float64Array; times: Float64Array } {
  const xs: number[] = [];
  const ys: number[] = [];
  const ts: number[] = [];
  const [rx, ry] = drift(tRef);
  const push = (x: number, y: number, t: number) => {
    const [dx, dy] = drift(t);
    xs.push(x + dx - rx);
    ys.push(y + dy - ry);
    ts.push(t);
  };
  let t = start;
  push(path.x[0], path.y[0], t);
  for (let j = 1; j < path.x.length; j++) {
    const d = Math.hypot(path.x[j] - path.x[j - 1], path.y[j] - path.y[j - 1]);
    const dt = d / speed;
    if (t + dt > end) {
      const f = (end - t) / dt;
      if (f > 0)
        push(
          path.x[j - 1] + (path.x[j] - path.x[j - 1]) * f,
          path.y[j - 1] + (path.y[j] - path.y[j - 1]) * f,
          end,
        );
      break;
    }
    t += dt;
    push(path.x[j], path.y[j], t);
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys), times: Float64Array.from(ts) };
}
