import { describe, expect, it } from "vitest";
import {
  displace,
  displaced,
  geodesicDirect,
  geodesicInteriorPoints,
  geodesicInverse,
  moveTwice,
} from "../../src/core/geodesy.js";

/** One position with its carried sines and cosines, set by place(). */
function onePosition() {
  const f = () => new Float64Array(1);
  return { lon: f(), lat: f(), sinLat: f(), cosLat: f(), sinLon: f(), cosLon: f() };
}

function place(pos: ReturnType<typeof onePosition>, lat: number, lon: number): void {
  pos.lat[0] = lat;
  pos.lon[0] = lon;
  pos.sinLat[0] = Math.sin((lat * Math.PI) / 180);
  pos.cosLat[0] = Math.cos((lat * Math.PI) / 180);
  pos.sinLon[0] = Math.sin((lon * Math.PI) / 180);
  pos.cosLon[0] = Math.cos((lon * Math.PI) / 180);
}

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

  it.each([
    // Worst at 89.5°; at 69° the errors are 0.015 mm, 0.0004 mm and 0.17 mm.
    [600, 300, 0.001],
    [150, 150, 0.0002],
    [5000, 300, 0.005],
  ])(
    "two successive moves of %d m and %d m (the drift step) agree with Karney within %d m",
    (d1, d2, tolerance) => {
      const pos = onePosition();
      let worst = 0;
      for (const lat of [-70, -45, 0, 30, 60, 69, 78, 89.5]) {
        for (const az1 of [0, 37, 90, 200, 333]) {
          for (const az2 of [15, 120, 270]) {
            place(pos, lat, 179.99);
            const [a1, a2] = [(az1 * Math.PI) / 180, (az2 * Math.PI) / 180];
            moveTwice(pos, 0, d1 * Math.sin(a1), d1 * Math.cos(a1), d2 * Math.sin(a2), d2 * Math.cos(a2));
            const mid = geodesicDirect(lat, 179.99, az1, d1);
            const ref = geodesicDirect(mid.lat, mid.lon, az2, d2);
            worst = Math.max(worst, geodesicInverse(pos.lat[0], pos.lon[0], ref.lat, ref.lon).distM);
            // The carried sines and cosines follow the position.
            expect(pos.sinLat[0]).toBeCloseTo(Math.sin((pos.lat[0] * Math.PI) / 180), 12);
            expect(pos.cosLon[0]).toBeCloseTo(Math.cos((pos.lon[0] * Math.PI) / 180), 12);
          }
        }
      }
      expect(worst).toBeLessThan(tolerance);
    },
  );

  it("keeps the drift step's moves within 3 cm of Karney's after 48 h of strong wind and current at 69°N", () => {
    // 288 ten-minute steps, leeway moves up to ~1 km and current moves up to 900 m in every direction.
    const pos = onePosition();
    let worst = 0;
    for (let k = 0; k < 60; k++) {
      const a1 = (k * 2 * Math.PI) / 60;
      const a2 = 3 * a1;
      const d1 = 100 + 900 * ((k % 7) / 6);
      const d2 = 60 + 840 * ((k % 5) / 4);
      place(pos, 68.9, 14);
      let lat = 68.9;
      let lon = 14;
      for (let step = 0; step < 288; step++) {
        moveTwice(pos, 0, d1 * Math.sin(a1), d1 * Math.cos(a1), d2 * Math.sin(a2), d2 * Math.cos(a2));
        const mid = geodesicDirect(lat, lon, (a1 * 180) / Math.PI, d1);
        const end = geodesicDirect(mid.lat, mid.lon, (a2 * 180) / Math.PI, d2);
        lat = end.lat;
        lon = end.lon;
      }
      worst = Math.max(worst, geodesicInverse(pos.lat[0], pos.lon[0], lat, lon).distM);
    }
    // Measured: 1.9 cm.
    expect(worst).toBeLessThan(0.03);
  });

  it("moves a particle next to or across a pole without stalling, to a finite position", () => {
    const pos = onePosition();
    const started = Date.now();
    for (const lat of [89.99999, -89.9999999, 89.9]) {
      place(pos, lat, 10);
      for (let step = 0; step < 100; step++) moveTwice(pos, 0, 300, 1500, -200, 900);
      expect(Number.isFinite(pos.lat[0]) && Number.isFinite(pos.lon[0])).toBe(true);
      expect(Math.abs(pos.lat[0])).toBeLessThanOrEqual(90);
    }
    expect(Date.now() - started).toBeLessThan(2000);
    // Over the pole and down the other side, as Karney's solution goes.
    for (const [lat, azimuth] of [
      [89.995, 20],
      [-89.995, 160],
    ]) {
      const a = (azimuth * Math.PI) / 180;
      displace(lat, 10, 1500 * Math.sin(a), 1500 * Math.cos(a));
      const ref = geodesicDirect(lat, 10, azimuth, 1500);
      expect(geodesicInverse(displaced[0], displaced[1], ref.lat, ref.lon).distM).toBeLessThan(0.01);
    }
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
