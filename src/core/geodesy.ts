// WGS84 geodesics. Seeding uses Karney's algorithm (geographiclib); the step loop moves millions of
// particles by short displacements, so it integrates the geodesic equations on the ellipsoid with a
// midpoint (RK2) rule in sub-steps of at most 1 km, using angle-addition instead of trig calls. Against
// Karney's algorithm this is within 0.1 mm for every step length a drift model takes (see test/core).
import geodesicLib from "geographiclib-geodesic";

export const WGS84_A = 6378137.0;
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const DEG = Math.PI / 180;
const MAX_SUBSTEP_M = 1000;

const karney = geodesicLib.Geodesic.WGS84;

/** Exact direct problem (Karney): from (lat, lon) along azimuth aziDeg (clockwise from north) for distM. */
export function geodesicDirect(lat: number, lon: number, aziDeg: number, distM: number): { lat: number; lon: number } {
  const r = karney.Direct(lat, lon, aziDeg, distM);
  return { lat: r.lat2 as number, lon: r.lon2 as number };
}

/** Exact inverse problem (Karney): distance in metres and initial azimuth in degrees. */
export function geodesicInverse(lat1: number, lon1: number, lat2: number, lon2: number): { distM: number; aziDeg: number } {
  const r = karney.Inverse(lat1, lon1, lat2, lon2);
  return { distM: r.s12 as number, aziDeg: r.azi1 as number };
}

/**
 * n points strictly between two end points on the geodesic, equally spaced (pyproj's Geod.npts).
 * Writes degrees into lonOut/latOut.
 */
export function geodesicInteriorPoints(
  lon0: number,
  lat0: number,
  lon1: number,
  lat1: number,
  n: number,
  lonOut: Float64Array,
  latOut: Float64Array,
): void {
  const line = karney.InverseLine(lat0, lon0, lat1, lon1);
  const total = line.s13 as number;
  for (let i = 0; i < n; i++) {
    const p = line.Position((total * (i + 1)) / (n + 1));
    latOut[i] = p.lat2 as number;
    lonOut[i] = p.lon2 as number;
  }
}

/** Scratch for displace(): results without allocating. [0] = lat (deg), [1] = lon (deg). */
export const displaced = new Float64Array(2);

/**
 * Moves a point by a displacement of `east` and `north` metres along the geodesic whose initial direction is
 * the displacement's direction; the result goes to `displaced`. Negative values move backwards.
 */
export function displace(latDeg: number, lonDeg: number, east: number, north: number): void {
  const length = Math.sqrt(east * east + north * north);
  if (length === 0) {
    displaced[0] = latDeg;
    displaced[1] = lonDeg;
    return;
  }
  const substeps = length > MAX_SUBSTEP_M ? Math.ceil(length / MAX_SUBSTEP_M) : 1;
  let de = east / substeps;
  let dn = north / substeps;
  let phi = latDeg * DEG;
  let lambda = lonDeg * DEG;
  let sinPhi = Math.sin(phi);
  let cosPhi = Math.cos(phi);
  for (let k = 0; k < substeps; k++) {
    // Radii of curvature at the start of the sub-step.
    let w = 1 - E2 * sinPhi * sinPhi;
    let n = WGS84_A / Math.sqrt(w);
    let m = (n * (1 - E2)) / w;
    // Half step: latitude and heading at the midpoint (heading turns by sin(az)·tan(lat)/N per metre).
    const halfDphi = (0.5 * dn) / m;
    const halfTurn = (0.5 * de * sinPhi) / (cosPhi * n);
    const sh = halfDphi - (halfDphi * halfDphi * halfDphi) / 6;
    const ch = 1 - (halfDphi * halfDphi) / 2;
    const sinMid = sinPhi * ch + cosPhi * sh;
    const cosMid = cosPhi * ch - sinPhi * sh;
    const st = halfTurn - (halfTurn * halfTurn * halfTurn) / 6;
    const ct = 1 - (halfTurn * halfTurn) / 2;
    const deMid = de * ct + dn * st;
    const dnMid = dn * ct - de * st;
    w = 1 - E2 * sinMid * sinMid;
    n = WGS84_A / Math.sqrt(w);
    m = (n * (1 - E2)) / w;
    // Full step with the midpoint's radii and heading.
    const dphi = dnMid / m;
    lambda += deMid / (n * cosMid);
    const turn = (deMid * sinMid) / (cosMid * n);
    phi += dphi;
    const sd = dphi - (dphi * dphi * dphi) / 6;
    const cd = 1 - (dphi * dphi) / 2 + (dphi * dphi * dphi * dphi) / 24;
    const s = sinPhi * cd + cosPhi * sd;
    cosPhi = cosPhi * cd - sinPhi * sd;
    sinPhi = s;
    if (substeps > 1) {
      // The heading keeps turning along the geodesic: carry it into the next sub-step.
      const s2 = turn - (turn * turn * turn) / 6;
      const c2 = 1 - (turn * turn) / 2;
      const de2 = de * c2 + dn * s2;
      dn = dn * c2 - de * s2;
      de = de2;
    }
  }
  displaced[0] = phi / DEG;
  displaced[1] = lambda / DEG;
}
