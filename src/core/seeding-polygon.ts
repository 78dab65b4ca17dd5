// Release over an area: positions uniform (per square metre) inside a polygon of lon/lat vertices.
import type { Particles } from "./particles.js";
import { pointInRing } from "./rings.js";
import type { LegacyRandom } from "./rng.js";

/** Tries per particle before a polygon counts as too thin to sample (a spec checks its area first). */
const MAX_TRIES = 10_000;
const RAD = Math.PI / 180;

/**
 * Sets every particle's position uniformly over `ring` (lon/lat vertices, closed or not; edges straight
 * in lon/lat): per particle two uniforms (longitude, sine of latitude over the polygon's box, which is
 * uniform per area on the sphere), redrawn until the point is inside.
 */
export function seedPolygon(
  p: Particles,
  ring: readonly (readonly [number, number])[],
  rng: LegacyRandom,
): void {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const [lon, lat] of ring) {
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  const z0 = Math.sin(south * RAD);
  const dz = Math.sin(north * RAD) - z0;
  for (let i = 0; i < p.n; i++) {
    for (let tries = 0; ; tries++) {
      if (tries === MAX_TRIES) throw new Error("release polygon too thin to place particles in");
      const lon = west + (east - west) * rng.random();
      const lat = Math.asin(z0 + dz * rng.random()) / RAD;
      if (pointInRing(lon, lat, ring)) {
        p.lon[i] = lon;
        p.lat[i] = lat;
        break;
      }
    }
  }
}
