// Polygon rings of lon/lat vertices: inside or not, and area.

const RAD = Math.PI / 180;
const EARTH_RADIUS_M = 6_371_000;

/** Even–odd rule: true when (lon, lat) lies inside the ring (closed or not; edges straight in lon/lat). */
export function pointInRing(lon: number, lat: number, r: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i];
    const [xj, yj] = r[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Area of the ring in square metres (spherical excess on a 6,371 km sphere; edges short). */
export function ringAreaM2(r: readonly (readonly number[])[]): number {
  let sum = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    sum += (r[i][0] - r[j][0]) * RAD * (2 + Math.sin(r[i][1] * RAD) + Math.sin(r[j][1] * RAD));
  }
  return Math.abs((sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}
