// Release ("seeding"): per-particle positions, release times and Leeway coefficient draws, in the order
// OpenDrift draws them (downwind one particle at a time, then all crosswind, then positions).
import { displace, displaced, geodesicInteriorPoints } from "./geodesy.js";
import type { ObjectCategory } from "./objects.js";
import type { Particles } from "./particles.js";
import type { LegacyRandom } from "./rng.js";
import { seedPolygon } from "./seeding-polygon.js";
import type { Release } from "./types.js";

/** Fills coefficients, orientation, release times and positions of all particles. */
export function seedParticles(
  p: Particles,
  release: Release,
  category: ObjectCategory,
  rng: LegacyRandom,
  float32Positions = false,
): void {
  const n = p.n;
  drawCoefficients(p, category, rng);

  // Centre positions: a point, or points strictly between the two ends of a line ("cone").
  const isLine = release.lon[0] !== release.lon[1] || release.lat[0] !== release.lat[1];
  if (isLine) {
    geodesicInteriorPoints(release.lon[0], release.lat[0], release.lon[1], release.lat[1], n, p.lon, p.lat);
  } else {
    p.lon.fill(release.lon[0]);
    p.lat.fill(release.lat[0]);
  }

  const [t0, t1] = release.time;
  // Particle i at t0 + i·Δt. The reference computes Δt as a Python timedelta, rounded to whole
  // microseconds; doing the same releases the last particle of a window in the same step as it does.
  const interval = n > 1 ? Math.round(((t1 - t0) * 1e6) / (n - 1)) / 1e6 : 0;
  for (let i = 0; i < n; i++) p.releaseTime[i] = t0 + i * interval;

  const [r0, r1] = release.radiusM;
  if (release.polygon) seedPolygon(p, release.polygon, rng);
  else if (Math.max(r0, r1) > 0) perturbPositions(p, r0, r1, release.radiusType, rng);
  // OpenDrift stores seeded positions as float32 (its first forcing look-up sees 13.050000190734863 for
  // 13.05); compatibility "opendrift" does the same.
  if (float32Positions) {
    for (let i = 0; i < n; i++) {
      p.lon[i] = Math.fround(p.lon[i]);
      p.lat[i] = Math.fround(p.lat[i]);
    }
  }
  p.prevLon.set(p.lon);
  p.prevLat.set(p.lat);
}

function drawCoefficients(p: Particles, c: ObjectCategory, rng: LegacyRandom): void {
  const n = p.n;
  // The reference keeps element properties in float32; rounding the same way keeps runs comparable.
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    p.orientation[i] = i % 2;
    p.dwSlope[i] = f(c.dwSlope);
    p.dwOffset[i] = f(c.dwOffset);
    let eps = rng.gauss() * c.dwStd;
    // A negative downwind slope would drift the object upwind: redraw.
    while (c.dwSlope + eps / 20.0 < 0.0) eps = rng.gauss() * c.dwStd;
    p.dwEps[i] = f(eps);
  }
  for (let i = 0; i < n; i++) {
    const r = rng.gauss();
    const right = p.orientation[i] === 0;
    p.cwSlope[i] = f(right ? c.cwrSlope : c.cwlSlope);
    p.cwOffset[i] = f(right ? c.cwrOffset : c.cwlOffset);
    p.cwEps[i] = f(r * (right ? c.cwrStd : c.cwlStd));
  }
}

/** Radius r0→r1 interpolated along the particles; gaussian or uniform disc. */
function perturbPositions(
  p: Particles,
  r0: number,
  r1: number,
  type: "gaussian" | "uniform",
  rng: LegacyRandom,
): void {
  const n = p.n;
  const radius = (i: number) => Math.fround(n > 1 ? r0 + ((r1 - r0) * i) / (n - 1) : r0);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  if (type === "gaussian") {
    // x, y ~ N(0, r): the displacement east and north in metres.
    for (let i = 0; i < n; i++) a[i] = rng.gauss() * radius(i);
    for (let i = 0; i < n; i++) b[i] = rng.gauss() * radius(i);
    for (let i = 0; i < n; i++) {
      displace(p.lat[i], p.lon[i], a[i], b[i]);
      p.lat[i] = displaced[0];
      p.lon[i] = displaced[1];
    }
  } else {
    // Azimuth U(0, 360), distance r·sqrt(U(0, 1)): uniform over the disc.
    for (let i = 0; i < n; i++) a[i] = rng.random() * 360;
    for (let i = 0; i < n; i++) b[i] = Math.sqrt(rng.random()) * radius(i);
    for (let i = 0; i < n; i++) {
      const az = (a[i] * Math.PI) / 180;
      displace(p.lat[i], p.lon[i], b[i] * Math.sin(az), b[i] * Math.cos(az));
      p.lat[i] = displaced[0];
      p.lon[i] = displaced[1];
    }
  }
}
