import { describe, expect, it } from "vitest";
import {
  displace,
  displaced,
  geodesicDirect,
  geodesicInteriorPoints,
  geodesicInverse,
} from "../../src/core/geodesy.js";

describe("geodesy", () => {
  it("Karney direct reproduces published WGS84 lengths of one degree of latitude", () => {
    // Meridian arc of 1° centred on the equator and on 45°: 111132.954 − 559.822·cos 2φ + 1.175·cos 4φ m.
    for (const [lat0, metres] of [
      [-0.5, 110574.307],
      [44.5, 111131.78],
    ] as const) {
      const { distM } = geodesicInverse(lat0, 0, lat0 + 1, 0);
      expect(Math.abs(distM - metres)).toBeLessThan(0.05);
    }
  });

  it.each([
    [1, 0.0001],
    [600, 0.0005],
    [3600, 0.001],
    [-600, 0.0005],
    [20_000, 0.005],
  ])("the fast step of %d m agrees with Karney's algorithm within %d m", (distance, tolerance) => {
    let worst = 0;
    for (const lat of [-70, -45, 0, 30, 60, 78]) {
      for (const azimuth of [0, 37, 90, 135, 200, 270, 333]) {
        {
          const a = (azimuth * Math.PI) / 180;
          displace(lat, 10, distance * Math.sin(a), distance * Math.cos(a));
          const ref = geodesicDirect(lat, 10, distance < 0 ? azimuth + 180 : azimuth, Math.abs(distance));
          worst = Math.max(worst, geodesicInverse(displaced[0], displaced[1], ref.lat, ref.lon).distM);
        }
      }
    }
    expect(worst).toBeLessThan(tolerance);
  });

  it("places n points strictly between two ends, equally spaced (as pyproj's npts)", () => {
    const lon = new Float64Array(100);
    const lat = new Float64Array(100);
    geodesicInteriorPoints(4.5, 60.1, 4.7, 60.0, 100, lon, lat);
    expect(lon[0]).toBeCloseTo(4.50199, 5);
    expect(lat[0]).toBeCloseTo(60.09901, 5);
    const total = geodesicInverse(60.1, 4.5, 60.0, 4.7).distM;
    expect(geodesicInverse(60.1, 4.5, lat[0], lon[0]).distM).toBeCloseTo(total / 101, 3);
    expect(geodesicInverse(lat[99], lon[99], 60.0, 4.7).distM).toBeCloseTo(total / 101, 3);
  });
});
