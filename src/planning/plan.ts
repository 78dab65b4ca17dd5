// The plan: where each unit searches, in what pattern and at what track spacing, to maximise the joint
// probability of success (POS) on the moving particles.
//
// Screening (fast, on the particles at each unit's mid-search time, in a frame along the drift): a candidate
// is a rectangle (centre on a grid over the cloud, coverage factor C and length/width ratio from short lists)
// whose area is the unit's effort Z = W·v·T over C; it finds Σ w·q over the particles inside times the
// parallel-sweep POD at C (q: what the other units leave undetected), summed with a summed-area table. Units
// are placed greedily (largest effort first), then each is placed again given the others until nothing
// changes (coordinate ascent), so areas overlap only where that pays. Evaluation: every unit's pattern is
// laid in its rectangle with drift-compensated waypoints and the detection along moving particles
// (detection.ts) gives each unit's POD and the joint POS. The even split (the cloud's 5–95 % box cut into
// equal strips, one per unit) is evaluated the same way; when it does better, it is the plan.
import { type Cloud, outputIndexAt, positionsAt, totalWeight } from "./cloud.js";
import { accumulateDetection, probabilityOfSuccess, type SearchTrack } from "./detection.js";
import { patternWaypoints, type SearchRect, timedWaypoints } from "./patterns.js";
import { type LateralRange, parallelSweepPod } from "./pod.js";
import type { PatternName } from "./sweep-width.js";

export interface UnitEffort {
  name: string;
  pattern: PatternName;
  sweepWidthM: number;
  speedMs: number;
  /** Search window, Unix seconds. */
  start: number;
  end: number;
  /** Detects only particles afloat (vessels). */
  afloatOnly?: boolean;
}

export interface PlannedUnit {
  effort: UnitEffort;
  rect: SearchRect;
  /** Reference time of the rectangle (mid-search), Unix seconds. */
  refTime: number;
  spacingM: number;
  coverage: number;
  track: SearchTrack;
  /** Weighted share of the particles inside the rectangle at refTime. */
  poc: number;
  /** Probability of detecting the object if it is in the area (this unit alone). */
  pod: number;
  /** This unit's probability of success alone. */
  pos: number;
}

export interface SearchPlan {
  units: PlannedUnit[];
  jointPos: number;
  evenSplitPos: number;
  method: "optimised" | "even split";
  /** Direction of the areas' major axis (radians, counter-clockwise from east). */
  axis: number;
  /** −ln(non-detection) of every particle under the whole plan. */
  logMiss: Float64Array;
}

const COVERAGES = [0.25, 0.5, 0.75, 1, 1.5, 2, 3];
const ASPECTS = [0.25, 0.5, 1, 2, 4];
const GRID = 128;
const CENTRES = 25;

interface Positions {
  x: Float64Array;
  y: Float64Array;
}

function weightedMean(p: Positions, w: Float64Array): [number, number] {
  let sx = 0;
  let sy = 0;
  let sw = 0;
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(p.x[i]) || !(w[i] > 0)) continue;
    sx += w[i] * p.x[i];
    sy += w[i] * p.y[i];
    sw += w[i];
  }
  return sw > 0 ? [sx / sw, sy / sw] : [0, 0];
}

/** Weighted quantile of values (NaN skipped), to 1/4096 of their range (a histogram, no sort). */
function quantile(values: Float64Array, w: Float64Array, q: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x) || !(w[i] > 0)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!(hi > lo)) return Number.isFinite(lo) ? lo : 0;
  const bins = 4096;
  const hist = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x) || !(w[i] > 0)) continue;
    hist[Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins))] += w[i];
    total += w[i];
  }
  let acc = 0;
  for (let b = 0; b < bins; b++) {
    acc += hist[b];
    if (acc >= q * total) return lo + ((b + 1) / bins) * (hi - lo);
  }
  return hi;
}

/** Drift direction of the weighted mean over the window; the cloud's principal axis when it hardly moves. */
function driftAxis(cloud: Cloud, from: number, to: number): number {
  const a = positions(cloud, from);
  const b = positions(cloud, to);
  const [ax, ay] = weightedMean(a, cloud.weight);
  const [bx, by] = weightedMean(b, cloud.weight);
  if (Math.hypot(bx - ax, by - ay) > 500) return Math.atan2(by - ay, bx - ax);
  const p = positions(cloud, (from + to) / 2);
  const [mx, my] = weightedMean(p, cloud.weight);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < cloud.n; i++) {
    if (Number.isNaN(p.x[i])) continue;
    const dx = p.x[i] - mx;
    const dy = p.y[i] - my;
    sxx += cloud.weight[i] * dx * dx;
    syy += cloud.weight[i] * dy * dy;
    sxy += cloud.weight[i] * dx * dy;
  }
  return 0.5 * Math.atan2(2 * sxy, sxx - syy);
}

const positionCache = new WeakMap<Cloud, Map<number, Positions>>();
function positions(cloud: Cloud, t: number): Positions {
  let m = positionCache.get(cloud);
  if (!m) positionCache.set(cloud, (m = new Map()));
  let p = m.get(t);
  if (!p) {
    p = { x: new Float64Array(cloud.n), y: new Float64Array(cloud.n) };
    positionsAt(cloud, t, p.x, p.y);
    m.set(t, p);
  }
  return p;
}

/** Particles' coordinates along (u) and across (v) the axis from an origin. */
function axisCoordinates(p: Positions, ox: number, oy: number, angle: number) {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const u = new Float64Array(p.x.length);
  const v = new Float64Array(p.x.length);
  for (let i = 0; i < u.length; i++) {
    const dx = p.x[i] - ox;
    const dy = p.y[i] - oy;
    u[i] = dx * c + dy * s;
    v[i] = -dx * s + dy * c;
  }
  return { u, v };
}

function insideRect(x: number, y: number, r: SearchRect): boolean {
  const dx = x - r.cx;
  const dy = y - r.cy;
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  return Math.abs(dx * c + dy * s) <= r.length / 2 && Math.abs(-dx * s + dy * c) <= r.width / 2;
}

const frameCache = new WeakMap<Cloud, Map<string, ReturnType<typeof makeUnitFrame>>>();

/** The particles at tRef along and across the axis from their weighted mean, and their 0.5–99.5 % box. */
function unitFrame(cloud: Cloud, tRef: number, axis: number) {
  let m = frameCache.get(cloud);
  if (!m) frameCache.set(cloud, (m = new Map()));
  const key = `${tRef} ${axis}`;
  let f = m.get(key);
  if (!f) {
    f = makeUnitFrame(cloud, tRef, axis);
    m.set(key, f);
  }
  return f;
}

function makeUnitFrame(cloud: Cloud, tRef: number, axis: number) {
  const p = positions(cloud, tRef);
  const [ox, oy] = weightedMean(p, cloud.weight);
  const { u, v } = axisCoordinates(p, ox, oy, axis);
  return {
    ox,
    oy,
    u,
    v,
    u0: quantile(u, cloud.weight, 0.005),
    u1: quantile(u, cloud.weight, 0.995),
    v0: quantile(v, cloud.weight, 0.005),
    v1: quantile(v, cloud.weight, 0.995),
  };
}

interface Candidate {
  rect: SearchRect;
  coverage: number;
  score: number;
}

/** The best rectangle for one unit given the non-detection `q` the others leave. */
function bestRect(
  cloud: Cloud,
  e: UnitEffort,
  axis: number,
  q: Float64Array,
  model: LateralRange,
): Candidate {
  const { ox, oy, u, v, u0, u1, v0, v1 } = unitFrame(cloud, (e.start + e.end) / 2, axis);
  const effort = e.sweepWidthM * e.speedMs * (e.end - e.start);
  const trackLength = e.speedMs * (e.end - e.start);
  const maxC = Math.max(...COVERAGES);
  // Room for the largest candidate around the cloud.
  const pad = Math.sqrt((effort / COVERAGES[0]) * Math.max(...ASPECTS));
  const ua = u0 - pad;
  const va = v0 - pad;
  const du = (u1 - u0 + 2 * pad) / GRID;
  const dv = (v1 - v0 + 2 * pad) / GRID;
  // Summed-area table of w·q: sat[(b)*(GRID+1) + a] = Σ cells [0,a) × [0,b).
  const cells = new Float64Array(GRID * GRID);
  const afloat = e.afloatOnly ? outputIndexAt(cloud, (e.start + e.end) / 2) * cloud.n : -1;
  for (let i = 0; i < cloud.n; i++) {
    if (Number.isNaN(u[i]) || (afloat >= 0 && cloud.afloat[afloat + i] === 0)) continue;
    const a = Math.floor((u[i] - ua) / du);
    const b = Math.floor((v[i] - va) / dv);
    if (a < 0 || b < 0 || a >= GRID || b >= GRID) continue;
    // A thousandth of the undetected weight too: when the others leave next to nothing, a unit goes where the
    // object most probably is rather than anywhere.
    cells[b * GRID + a] += cloud.weight[i] * (q[i] + 1e-3);
  }
  const W = GRID + 1;
  const sat = new Float64Array(W * W);
  for (let b = 0; b < GRID; b++) {
    let row = 0;
    for (let a = 0; a < GRID; a++) {
      row += cells[b * GRID + a];
      sat[(b + 1) * W + a + 1] = sat[b * W + a + 1] + row;
    }
  }
  const at = (fu: number, fv: number) => {
    const a = Math.min(GRID, Math.max(0, fu));
    const b = Math.min(GRID, Math.max(0, fv));
    const a0 = Math.min(GRID - 1, Math.floor(a));
    const b0 = Math.min(GRID - 1, Math.floor(b));
    const ta = a - a0;
    const tb = b - b0;
    const s00 = sat[b0 * W + a0];
    const s10 = sat[b0 * W + a0 + 1];
    const s01 = sat[(b0 + 1) * W + a0];
    const s11 = sat[(b0 + 1) * W + a0 + 1];
    return (s00 * (1 - ta) + s10 * ta) * (1 - tb) + (s01 * (1 - ta) + s11 * ta) * tb;
  };
  const square = e.pattern === "expanding-square" || e.pattern === "sector";
  let best: Candidate | null = null;
  for (const coverage of COVERAGES) {
    const area = effort / coverage;
    const pod = parallelSweepPod(coverage, model);
    for (const aspect of square ? [1] : ASPECTS) {
      const length = Math.sqrt(area * aspect);
      const width = area / length;
      const legLength = e.pattern === "creeping" ? width : length;
      if (!square && legLength > trackLength) continue;
      for (let cu = 0; cu < CENTRES; cu++) {
        const uc = u0 + ((cu + 0.5) / CENTRES) * (u1 - u0);
        for (let cv = 0; cv < CENTRES; cv++) {
          const vc = v0 + ((cv + 0.5) / CENTRES) * (v1 - v0);
          const fa0 = (uc - length / 2 - ua) / du;
          const fa1 = (uc + length / 2 - ua) / du;
          const fb0 = (vc - width / 2 - va) / dv;
          const fb1 = (vc + width / 2 - va) / dv;
          const held = at(fa1, fb1) - at(fa0, fb1) - at(fa1, fb0) + at(fa0, fb0);
          const score = held * pod;
          if (!best || score > best.score) {
            const c = Math.cos(axis);
            const s = Math.sin(axis);
            best = {
              rect: { cx: ox + uc * c - vc * s, cy: oy + uc * s + vc * c, angle: axis, length, width },
              coverage,
              score,
            };
          }
        }
      }
    }
  }
  if (!best) {
    // Not even one leg fits: a square at the largest coverage around the mean.
    const area = effort / maxC;
    const side = Math.sqrt(area);
    best = { rect: { cx: ox, cy: oy, angle: axis, length: side, width: side }, coverage: maxC, score: 0 };
  }
  return best;
}

/** Screening factor of one unit: 1 − POD(C) inside its rectangle at its reference time, 1 elsewhere. */
function screenFactor(cloud: Cloud, e: UnitEffort, c: Candidate, model: LateralRange): Float64Array {
  const f = new Float64Array(cloud.n).fill(1);
  const p = positions(cloud, (e.start + e.end) / 2);
  const miss = 1 - parallelSweepPod(c.coverage, model);
  const afloat = e.afloatOnly ? outputIndexAt(cloud, (e.start + e.end) / 2) * cloud.n : -1;
  for (let i = 0; i < cloud.n; i++) {
    if (afloat >= 0 && cloud.afloat[afloat + i] === 0) continue;
    if (insideRect(p.x[i], p.y[i], c.rect)) f[i] = miss;
  }
  return f;
}

/** The water's displacement at time t: the weighted mean position of the particles in the area. */
function driftOf(cloud: Cloud, rect: SearchRect, refTime: number): (t: number) => [number, number] {
  const p = positions(cloud, refTime);
  const w = new Float64Array(cloud.n);
  let any = false;
  for (let i = 0; i < cloud.n; i++) {
    if (insideRect(p.x[i], p.y[i], rect)) {
      w[i] = cloud.weight[i] || 1e-12;
      any = true;
    }
  }
  if (!any) w.fill(1);
  const cache = new Map<number, [number, number]>();
  return (t) => {
    let d = cache.get(t);
    if (!d) {
      d = weightedMean(positions(cloud, t), w);
      cache.set(t, d);
    }
    return d;
  };
}

function layOut(cloud: Cloud, e: UnitEffort, rect: SearchRect, model: LateralRange): PlannedUnit {
  const refTime = (e.start + e.end) / 2;
  const trackLength = e.speedMs * (e.end - e.start);
  // Legs and the connecting legs across the span fill the track: n·leg + span = track, n = span / S.
  const span = e.pattern === "creeping" ? rect.length : rect.width;
  const area = rect.length * rect.width;
  const spacingM = trackLength > 2 * span ? area / (trackLength - span) : area / trackLength;
  const path = patternWaypoints({ pattern: e.pattern, rect, spacing: spacingM, trackLength });
  const timed = timedWaypoints(path, e.speedMs, e.start, e.end, refTime, driftOf(cloud, rect, refTime));
  const track: SearchTrack = {
    ...timed,
    sweepWidthM: e.sweepWidthM,
    speedMs: e.speedMs,
    model,
    afloatOnly: e.afloatOnly,
  };
  return {
    effort: e,
    rect,
    refTime,
    spacingM,
    coverage: e.sweepWidthM / spacingM,
    track,
    poc: 0,
    pod: 0,
    pos: 0,
  };
}

/** Joint POS and every unit's POC, POD and POS with the detection along moving particles. */
function evaluate(cloud: Cloud, units: PlannedUnit[]): { jointPos: number; logMiss: Float64Array } {
  const total = totalWeight(cloud.weight);
  const logMiss = new Float64Array(cloud.n);
  for (const u of units) {
    const own = new Float64Array(cloud.n);
    accumulateDetection(cloud, u.track, own);
    const p = positions(cloud, u.refTime);
    let held = 0;
    let found = 0;
    for (let i = 0; i < cloud.n; i++) {
      logMiss[i] += own[i];
      if (insideRect(p.x[i], p.y[i], u.rect)) {
        held += cloud.weight[i];
        found += cloud.weight[i] * -Math.expm1(-own[i]);
      }
    }
    u.poc = total > 0 ? held / total : 0;
    u.pod = held > 0 ? found / held : 0;
    u.pos = probabilityOfSuccess(cloud.weight, own);
  }
  return { jointPos: probabilityOfSuccess(cloud.weight, logMiss), logMiss };
}

/** The even split: the cloud's 5–95 % box along and across the drift cut into equal strips along it. */
export function evenSplit(
  cloud: Cloud,
  efforts: UnitEffort[],
  axis: number,
  model: LateralRange,
): PlannedUnit[] {
  const from = Math.min(...efforts.map((e) => e.start));
  const to = Math.max(...efforts.map((e) => e.end));
  const p = positions(cloud, (from + to) / 2);
  const [ox, oy] = weightedMean(p, cloud.weight);
  const { u, v } = axisCoordinates(p, ox, oy, axis);
  const u0 = quantile(u, cloud.weight, 0.05);
  const u1 = Math.max(quantile(u, cloud.weight, 0.95), u0 + 1);
  const v0 = quantile(v, cloud.weight, 0.05);
  const v1 = Math.max(quantile(v, cloud.weight, 0.95), v0 + 1);
  const k = efforts.length;
  const c = Math.cos(axis);
  const s = Math.sin(axis);
  return efforts.map((e, j) => {
    const uc = u0 + ((j + 0.5) / k) * (u1 - u0);
    const vc = (v0 + v1) / 2;
    const rect = {
      cx: ox + uc * c - vc * s,
      cy: oy + uc * s + vc * c,
      angle: axis,
      length: (u1 - u0) / k,
      width: v1 - v0,
    };
    return layOut(cloud, e, rect, model);
  });
}

/** Plans the units' searches on the cloud (see the top of this file). */
export function planSearch(
  cloud: Cloud,
  efforts: UnitEffort[],
  model: LateralRange = "inverse-cube",
): SearchPlan {
  if (efforts.length === 0) throw new Error("Units: at least 1");
  const from = Math.min(...efforts.map((e) => e.start));
  const to = Math.max(...efforts.map((e) => e.end));
  const axis = driftAxis(cloud, from, to);
  const order = efforts
    .map((e, j) => ({ e, j }))
    .sort(
      (a, b) =>
        b.e.sweepWidthM * b.e.speedMs * (b.e.end - b.e.start) -
        a.e.sweepWidthM * a.e.speedMs * (a.e.end - a.e.start),
    );
  const chosen: (Candidate | null)[] = efforts.map(() => null);
  const factors: (Float64Array | null)[] = efforts.map(() => null);
  const others = (skip: number) => {
    const q = new Float64Array(cloud.n).fill(1);
    for (let j = 0; j < factors.length; j++) {
      const f = factors[j];
      if (j === skip || !f) continue;
      for (let i = 0; i < cloud.n; i++) q[i] *= f[i];
    }
    return q;
  };
  for (let pass = 0; pass < 4; pass++) {
    let changed = false;
    for (const { e, j } of order) {
      const c = bestRect(cloud, e, axis, others(j), model);
      const old = chosen[j];
      if (
        !old ||
        old.rect.cx !== c.rect.cx ||
        old.rect.cy !== c.rect.cy ||
        old.rect.length !== c.rect.length
      ) {
        changed = true;
        chosen[j] = c;
        factors[j] = screenFactor(cloud, e, c, model);
      }
    }
    if (!changed) break;
  }
  const optimised = efforts.map((e, j) => layOut(cloud, e, (chosen[j] as Candidate).rect, model));
  const a = evaluate(cloud, optimised);
  const even = evenSplit(cloud, efforts, axis, model);
  const b = evaluate(cloud, even);
  if (b.jointPos > a.jointPos) {
    return {
      units: even,
      jointPos: b.jointPos,
      evenSplitPos: b.jointPos,
      method: "even split",
      axis,
      logMiss: b.logMiss,
    };
  }
  return {
    units: optimised,
    jointPos: a.jointPos,
    evenSplitPos: b.jointPos,
    method: "optimised",
    axis,
    logMiss: a.logMiss,
  };
}
