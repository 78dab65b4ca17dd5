// Search planning against closed-form cases (issue 22 item 1): a parallel sweep over uniformly spread
// particles gives the POD of the lateral-range law; Bayes after an unsuccessful search; a track where the
// cloud is detects more than one where it was.
import { describe, expect, it } from "vitest";
import type { Cloud } from "../../src/planning/cloud.js";
import { detectionOf, probabilityOfSuccess, type SearchTrack } from "../../src/planning/detection.js";
import { localFrame } from "../../src/planning/frame.js";
import { erf, lateralRange, massAfterSearch, parallelSweepPod } from "../../src/planning/pod.js";
import { cumulativePos, weightsAfterSearch } from "../../src/planning/update.js";

const T0 = Date.UTC(2026, 0, 1) / 1000;

/** A cloud on a regular grid (side × side metres, m × m particles) drifting at (u, v) m/s for `hours`. */
function gridCloud(side: number, m: number, hours = 2, u = 0, v = 0, x0 = 0, y0 = 0): Cloud {
  const n = m * m;
  const nt = hours + 1;
  const x = new Float32Array(n * nt);
  const y = new Float32Array(n * nt);
  for (let k = 0; k < nt; k++) {
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        const i = a * m + b;
        x[k * n + i] = x0 + ((b + 0.5) / m) * side + u * k * 3600;
        y[k * n + i] = y0 + ((a + 0.5) / m) * side + v * k * 3600;
      }
    }
  }
  return {
    n,
    times: Float64Array.from({ length: nt }, (_, k) => T0 + k * 3600),
    x,
    y,
    afloat: new Uint8Array(n * nt).fill(1),
    weight: new Float64Array(n).fill(1),
    frame: localFrame(0, 0),
  };
}

/** Parallel legs along y at spacing s, from x = xFrom to xTo, each running from yFrom to yTo. */
function sweep(s: number, w: number, xFrom: number, xTo: number, yFrom: number, yTo: number, speed: number) {
  const xs: number[] = [];
  const ys: number[] = [];
  let up = true;
  for (let x = xFrom; x <= xTo + 1e-6; x += s) {
    xs.push(x, x);
    ys.push(up ? yFrom : yTo, up ? yTo : yFrom);
    up = !up;
  }
  const times = [T0];
  for (let j = 1; j < xs.length; j++) {
    const d = Math.hypot(xs[j] - xs[j - 1], ys[j] - ys[j - 1]);
    times.push(times[j - 1] + d / speed);
  }
  const track: SearchTrack = {
    x: Float64Array.from(xs),
    y: Float64Array.from(ys),
    times: Float64Array.from(times),
    sweepWidthM: w,
    speedMs: speed,
  };
  return track;
}

describe("probability of detection", () => {
  it("erf matches known values", () => {
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 9);
    expect(erf(1)).toBeCloseTo(0.8427007929, 9);
    expect(erf(2)).toBeCloseTo(0.995322265, 9);
    expect(erf(3)).toBeCloseTo(0.9999779095, 9);
    expect(erf(-1)).toBeCloseTo(-0.8427007929, 9);
  });

  it("the inverse cube lateral range integrates to the sweep width", () => {
    const w = 1000;
    let sum = 0;
    const dx = 1;
    for (let x = -200_000; x <= 200_000; x += dx) sum += lateralRange(x + 0.5, w) * dx;
    expect(sum / w).toBeCloseTo(1, 2);
  });

  for (const c of [0.5, 1, 2]) {
    it(`a parallel sweep at C = ${c} over uniform particles gives erf(√π·C/2) within 1 %`, () => {
      const w = 1000;
      const s = w / c;
      const side = 20 * s;
      const cloud = gridCloud(side, 200, 30);
      // Tracks well beyond the square on every side, so every particle sees the infinite pattern.
      const track = sweep(s, w, -10 * s, side + 10 * s, -40 * w, side + 40 * w, 1e6);
      const pod = probabilityOfSuccess(cloud.weight, detectionOf(cloud, [track]));
      const expected = parallelSweepPod(c);
      expect(Math.abs(pod - expected) / expected).toBeLessThan(0.01);
    });
  }

  it("definite range: POD = min(1, C)", () => {
    const w = 1000;
    const s = 2000;
    const side = 20 * s;
    // 173 per side: particle spacing incommensurate with the lanes.
    const cloud = gridCloud(side, 173, 30);
    const track = { ...sweep(s, w, 0, side, -2 * w, side + 2 * w, 1e6), model: "definite-range" as const };
    const pod = probabilityOfSuccess(cloud.weight, detectionOf(cloud, [track]));
    expect(pod).toBeCloseTo(0.5, 2);
  });
});

describe("negative information", () => {
  it("a region holding m searched with POD p holds m(1−p)/(1−mp) afterwards", () => {
    const w = 1000;
    const side = 20_000;
    const cloud = gridCloud(side, 100, 30);
    // The region: the left quarter of the square (m = 0.25), searched at C = 1.
    const inRegion = (i: number) => cloud.x[i] < side / 4;
    const track = sweep(w, w, 0, side / 4, -10 * w, side + 10 * w, 1e6);
    // Only the region's particles count as searched (the others far from the tracks are nearly untouched;
    // zero them to match the closed form exactly).
    const logMiss = detectionOf(cloud, [track]);
    for (let i = 0; i < cloud.n; i++) if (!inRegion(i)) logMiss[i] = 0;
    let m = 0;
    let found = 0;
    for (let i = 0; i < cloud.n; i++) {
      if (!inRegion(i)) continue;
      m += 1;
      found += 1 - Math.exp(-logMiss[i]);
    }
    const p = found / m;
    m /= cloud.n;
    expect(p).toBeGreaterThan(0.5);
    const after = weightsAfterSearch(cloud.weight, logMiss);
    let inside = 0;
    let total = 0;
    for (let i = 0; i < cloud.n; i++) {
      total += after[i];
      if (inRegion(i)) inside += after[i];
    }
    expect(inside / total).toBeCloseTo(massAfterSearch(m, p), 12);
    expect(massAfterSearch(0.25, 0.8)).toBeCloseTo((0.25 * 0.2) / (1 - 0.2), 12);
    expect(cumulativePos(cloud.n, after)).toBeCloseTo(m * p, 12);
  });
});

describe("moving particles", () => {
  it("a track where the cloud is at the search time detects more than one where it was", () => {
    const w = 1000;
    const side = 10_000;
    // The cloud drifts east 1 m/s: 7.2 km in the 2 h before the search starts.
    const cloud = gridCloud(side, 60, 6, 1, 0);
    const speed = 40;
    const searchAt = (dx: number) => {
      const t = sweep(w, w, dx, dx + side, 0, side, speed);
      const start = T0 + 2 * 3600;
      const shifted = { ...t, times: t.times.map((v) => v - T0 + start) };
      return probabilityOfSuccess(cloud.weight, detectionOf(cloud, [shifted]));
    };
    const wasThere = searchAt(0);
    const isThere = searchAt(2 * 3600 * 1);
    expect(isThere).toBeGreaterThan(wasThere + 0.1);
  });
});

describe("stranded particles", () => {
  it("a vessel does not detect particles ashore; an aircraft does", () => {
    const w = 1000;
    const side = 10_000;
    const cloud = gridCloud(side, 50, 4);
    // The western half is stranded from the first output on.
    for (let k = 0; k < cloud.times.length; k++)
      for (let i = 0; i < cloud.n; i++) cloud.afloat[k * cloud.n + i] = cloud.x[i] < side / 2 ? 0 : 1;
    const track = sweep(w, w, 0, side, -5 * w, side + 5 * w, 1e6);
    const aircraft = probabilityOfSuccess(cloud.weight, detectionOf(cloud, [track]));
    const vessel = probabilityOfSuccess(cloud.weight, detectionOf(cloud, [{ ...track, afloatOnly: true }]));
    expect(aircraft).toBeGreaterThan(0.7);
    expect(vessel).toBeCloseTo(aircraft / 2, 1);
  });
});
