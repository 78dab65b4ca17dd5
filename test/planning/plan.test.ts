// The plan (issue 22 item 3): its joint POS is never below an even split of the same effort, beats it on a
// concentrated cloud, and the patterns use the unit's time.
import { describe, expect, it } from "vitest";
import type { Cloud } from "../../src/planning/cloud.js";
import { localFrame } from "../../src/planning/frame.js";
import { pathLength, patternWaypoints } from "../../src/planning/patterns.js";
import { planSearch, type UnitEffort } from "../../src/planning/plan.js";
import { gauss, rng } from "../products/synthetic.js";

const T0 = Date.UTC(2026, 0, 1) / 1000;
const NM = 1852;

/** A gaussian cloud (σ along x, σ across y) drifting east at `u` m/s and spreading, hourly for `hours`. */
function gaussianCloud(n: number, sx: number, sy: number, hours: number, u = 0.3, seed = 1): Cloud {
  const r = rng(seed);
  const nt = hours + 1;
  const x = new Float32Array(n * nt);
  const y = new Float32Array(n * nt);
  const ex = Float64Array.from({ length: n }, () => gauss(r));
  const ey = Float64Array.from({ length: n }, () => gauss(r));
  for (let k = 0; k < nt; k++) {
    const grow = 1 + k / (2 * hours);
    for (let i = 0; i < n; i++) {
      x[k * n + i] = u * k * 3600 + ex[i] * sx * grow;
      y[k * n + i] = ey[i] * sy * grow;
    }
  }
  return {
    n,
    times: Float64Array.from({ length: nt }, (_, k) => T0 + k * 3600),
    x,
    y,
    afloat: new Uint8Array(n * nt).fill(1),
    weight: new Float64Array(n).fill(1),
    frame: localFrame(14, 69),
  };
}

const unit = (
  name: string,
  wNm: number,
  kn: number,
  hours: number,
  pattern: UnitEffort["pattern"] = "parallel",
): UnitEffort => ({
  name,
  pattern,
  sweepWidthM: wNm * NM,
  speedMs: (kn * NM) / 3600,
  start: T0 + 2 * 3600,
  end: T0 + (2 + hours) * 3600,
});

describe("search plan", () => {
  it("never does worse than an even split of the same effort, and beats it on a concentrated cloud", () => {
    const cloud = gaussianCloud(5000, 8 * NM, 4 * NM, 10);
    const units = [unit("V1", 2, 12, 6), unit("V2", 1.5, 15, 6), unit("H", 1, 90, 2)];
    const plan = planSearch(cloud, units);
    expect(plan.jointPos).toBeGreaterThanOrEqual(plan.evenSplitPos);
    expect(plan.method).toBe("optimised");
    expect(plan.jointPos).toBeGreaterThan(plan.evenSplitPos + 0.02);
    expect(plan.jointPos).toBeLessThan(1);
    for (const u of plan.units) {
      expect(u.pod).toBeGreaterThan(0);
      expect(u.pod).toBeLessThanOrEqual(1);
      expect(u.poc).toBeGreaterThan(0);
      // The route ends by the end of the unit's time.
      expect(u.track.times[0]).toBe(u.effort.start);
      expect(u.track.times[u.track.times.length - 1]).toBeLessThanOrEqual(u.effort.end + 1e-6);
    }
    // Areas sit along the drift (east).
    expect(Math.abs(Math.sin(plan.axis))).toBeLessThan(0.2);
  });

  it("with a single small unit on a wide cloud, searches the middle rather than the whole box", () => {
    const cloud = gaussianCloud(4000, 10 * NM, 10 * NM, 6, 0.1, 3);
    const plan = planSearch(cloud, [unit("V", 1, 10, 3)]);
    expect(plan.jointPos).toBeGreaterThan(plan.evenSplitPos);
    const u = plan.units[0];
    expect(Math.hypot(u.rect.cx - 0.1 * 3.5 * 3600, u.rect.cy)).toBeLessThan(4 * NM);
  });

  for (const pattern of ["parallel", "creeping", "expanding-square", "sector"] as const) {
    it(`${pattern}: waypoints stay in the area and use about the track available`, () => {
      const rect = { cx: 1000, cy: -500, angle: 0.3, length: 10 * NM, width: 6 * NM };
      const trackLength = 60 * NM;
      const span = pattern === "creeping" ? rect.length : rect.width;
      const spacing = (rect.length * rect.width) / (trackLength - span);
      const p = patternWaypoints({ pattern, rect, spacing, trackLength });
      const length = pathLength(p.x, p.y);
      expect(length).toBeLessThanOrEqual(trackLength * 1.15);
      if (pattern === "parallel" || pattern === "creeping")
        expect(length).toBeGreaterThan(trackLength * 0.85);
      for (let j = 0; j < p.x.length; j++) {
        expect(Math.hypot(p.x[j] - rect.cx, p.y[j] - rect.cy)).toBeLessThanOrEqual(
          Math.hypot(rect.length, rect.width) / 2 + 1,
        );
      }
    });
  }
});
