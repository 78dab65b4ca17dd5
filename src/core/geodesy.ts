// WGS84 geodesics. Seeding uses Karney's algorithm (geographiclib); the step loop moves millions of
// particles by short displacements, so it integrates the geodesic equations on the ellipsoid with a
// midpoint (RK2) rule in sub-steps of at most 1 km, using angle-addition instead of trig calls. Against
// Karney's algorithm this is within 0.1 mm for every step length a drift model takes (see test/core).
import geodesicLib from "geographiclib-geodesic";
import type { Positions } from "./types.js";

export const WGS84_A = 6378137.0;
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const DEG = Math.PI / 180;
const MAX_SUBSTEP_M = 1000;
const POLE_SUBSTEP_FRACTION = 0.002;
const MIN_SUBSTEP_M = 25;
/** 100,000 sub-steps: a 2,500 km move next to a pole, 100,000 km elsewhere; drift moves are far shorter. */
const MAX_SUBSTEPS = 100_000;
const INV_A = 1 / WGS84_A;
const INV_A_1ME2 = 1 / (WGS84_A * (1 - E2));

const karney = geodesicLib.Geodesic.WGS84;

/** Exact direct problem (Karney): from (lat, lon) along azimuth aziDeg (clockwise from north) for distM. */
export function geodesicDirect(
  lat: number,
  lon: number,
  aziDeg: number,
  distM: number,
): { lat: number; lon: number } {
  const r = karney.Direct(lat, lon, aziDeg, distM);
  return { lat: r.lat2 as number, lon: r.lon2 as number };
}

/** Exact inverse problem (Karney): distance in metres and initial azimuth in degrees. */
export function geodesicInverse(
  lat1: number,
  lon1: number,
  lat2: number,
  lon2: number,
): { distM: number; aziDeg: number } {
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

/**
 * A point on the ellipsoid as the step loop carries it: [latitude rad, longitude rad, sin lat, cos lat,
 * sin lon, cos lon]. Keeping the sines and cosines lets successive steps (and the forcing projections)
 * use angle addition instead of trig calls.
 */
export type EllipsoidPoint = Float64Array;

export function ellipsoidPoint(): EllipsoidPoint {
  return new Float64Array(6);
}

export function setPoint(point: EllipsoidPoint, latDeg: number, lonDeg: number): void {
  setPointRad(point, latDeg * DEG, lonDeg * DEG);
}

/**
 * Moves `point` in place by a displacement of `east` and `north` metres along the geodesic whose initial
 * direction is the displacement's direction (negative values move backwards).
 */
export function stepGeodesic(point: EllipsoidPoint, east: number, north: number): void {
  const length2 = east * east + north * north;
  if (length2 === 0) return;
  // Sub-steps of at most 1 km, and near a pole at most 1/500 of the distance to the polar axis (where the
  // heading turns fast), but not under 25 m: a particle passing next to the pole must not stall the run.
  const maxSubstep = Math.max(
    MIN_SUBSTEP_M,
    Math.min(MAX_SUBSTEP_M, POLE_SUBSTEP_FRACTION * WGS84_A * Math.abs(point[3])),
  );
  // At most MAX_SUBSTEPS whatever the input: a non-physical move (∞, 1e300 m) must end, not hang the run.
  const substeps =
    length2 > maxSubstep * maxSubstep
      ? Math.min(MAX_SUBSTEPS, Math.ceil(Math.sqrt(length2) / maxSubstep))
      : 1;
  let de = east / substeps;
  let dn = north / substeps;
  let phi = point[0];
  let lambda = point[1];
  let sinPhi = point[2];
  let cosPhi = point[3];
  let sinLam = point[4];
  let cosLam = point[5];
  for (let k = 0; k < substeps; k++) {
    if (cosPhi < POLE_PLANE_COS) {
      // Within ~11 km of a pole the rest of the move is a straight line on the polar plane.
      const rest = substeps - k;
      point[0] = phi;
      point[1] = lambda;
      movePolarPlane(point, de * rest, dn * rest);
      return;
    }
    // Reciprocal radii of curvature at the start: 1/N (prime vertical) and 1/M (meridian), no division.
    let w = 1 - E2 * sinPhi * sinPhi;
    let q = Math.sqrt(w);
    let invN = q * INV_A;
    let invM = w * q * INV_A_1ME2;
    // Half step: latitude and heading at the midpoint (the heading turns by sin(az)·tan(lat)/N per metre).
    const halfDphi = 0.5 * dn * invM;
    const halfTurn = (0.5 * de * sinPhi * invN) / cosPhi;
    const h2 = halfDphi * halfDphi;
    const sh = halfDphi * (1 - h2 / 6);
    const ch = 1 - h2 / 2;
    const sinMid = sinPhi * ch + cosPhi * sh;
    const cosMid = cosPhi * ch - sinPhi * sh;
    const t2 = halfTurn * halfTurn;
    const st = halfTurn * (1 - t2 / 6);
    const ct = 1 - t2 / 2;
    const deMid = de * ct + dn * st;
    const dnMid = dn * ct - de * st;
    w = 1 - E2 * sinMid * sinMid;
    q = Math.sqrt(w);
    invN = q * INV_A;
    invM = w * q * INV_A_1ME2;
    // Full step with the midpoint's radii and heading.
    const dphi = dnMid * invM;
    const eastRad = (deMid * invN) / cosMid;
    lambda += eastRad;
    phi += dphi;
    const d2 = dphi * dphi;
    const sd = dphi * (1 - d2 / 6);
    const cd = 1 - (d2 / 2) * (1 - d2 / 12);
    const s = sinPhi * cd + cosPhi * sd;
    cosPhi = cosPhi * cd - sinPhi * sd;
    sinPhi = s;
    // Longitude by angle addition too; series up to 0.01 rad (exact to double precision), trig beyond
    // (only within a few kilometres of a pole).
    const e2 = eastRad * eastRad;
    let se: number;
    let ce: number;
    if (e2 < 1e-4) {
      se = eastRad * (1 - (e2 / 6) * (1 - e2 / 20));
      ce = 1 - (e2 / 2) * (1 - (e2 / 12) * (1 - e2 / 30));
    } else {
      se = Math.sin(eastRad);
      ce = Math.cos(eastRad);
    }
    const sl = sinLam * ce + cosLam * se;
    cosLam = cosLam * ce - sinLam * se;
    sinLam = sl;
    if (substeps > 1) {
      // The heading keeps turning along the geodesic: carry it into the next sub-step.
      const turn = eastRad * sinMid;
      const u2 = turn * turn;
      const su = turn * (1 - u2 / 6);
      const cu = 1 - u2 / 2;
      const de2 = de * cu + dn * su;
      dn = dn * cu - de * su;
      de = de2;
    }
  }
  point[0] = phi;
  point[1] = lambda;
  point[2] = sinPhi;
  point[3] = cosPhi;
  point[4] = sinLam;
  point[5] = cosLam;
}

/** Moves up to this long take the second-order formula of moveTwice(); longer ones the RK2 sub-steps. */
const SHORT_MOVE_M = 1000;
/** … and only away from the poles (|latitude| < ~88.9°), where sec φ stays moderate. */
const SHORT_MOVE_MIN_COS = 0.02;

const movePoint = ellipsoidPoint();
// Series coefficients as multipliers: a division by a constant stays a division.
const SIXTH = 1 / 6;
const TWENTIETH = 1 / 20;
const TWELFTH = 1 / 12;
const THIRTIETH = 1 / 30;
const DEGREES_PER_RADIAN = 180 / Math.PI;

/**
 * Moves position i by (e1, n1) metres east/north along a geodesic, then by (e2, n2) along another: the
 * drift step's two moves (leeway, then current). Short moves, the usual case, take the second-order Taylor
 * expansion of the geodesic equations (dφ/ds = cos α/M, dλ/ds = sin α/(N cos φ), dα/ds = sin α tan φ/N):
 *   Δφ = dn/M − ½ (de² tan φ/(N M) + 3 e² sin φ cos φ dn²/(w M²)),  Δλ = de/(N cos φ) · (1 + dn tan φ/N)
 * with one square root and one division per move (an RK2 step needs two of each); the longitude's sine and
 * cosine are turned once for both moves. Error O(s³ tan²φ / R²): 288 steps of moves up to 1 km end within
 * 2 cm of Karney's solution at 69°N (test/core/geodesy.test.ts), nothing next to the forcing's uncertainty.
 */
export function moveTwice(pos: Positions, i: number, e1: number, n1: number, e2: number, n2: number): void {
  let sinPhi = pos.sinLat[i];
  let cosPhi = pos.cosLat[i];
  const short2 = SHORT_MOVE_M * SHORT_MOVE_M;
  if (!(cosPhi > SHORT_MOVE_MIN_COS && e1 * e1 + n1 * n1 <= short2 && e2 * e2 + n2 * n2 <= short2)) {
    moveTwiceLong(pos, i, e1, n1, e2, n2);
    return;
  }
  let dPhi = 0;
  let dLam = 0;
  for (let move = 0; move < 2; move++) {
    const de = move === 0 ? e1 : e2;
    const dn = move === 0 ? n1 : n2;
    const w = 1 - E2 * sinPhi * sinPhi;
    const q = Math.sqrt(w);
    const invN = q * INV_A;
    const invM = w * q * INV_A_1ME2;
    // sec φ and 1/w from one division (divisions, not multiplications, bound this loop).
    const r = 1 / (cosPhi * w);
    const sec = w * r;
    const invW = cosPhi * r;
    const tanInvN = sinPhi * sec * invN;
    const a = dn * invM;
    const step = a - 0.5 * (de * de * tanInvN * invM + 3 * E2 * sinPhi * cosPhi * a * a * invW);
    dLam += de * invN * sec * (1 + dn * tanInvN);
    dPhi += step;
    const d2 = step * step;
    const sd = step * (1 - d2 * SIXTH);
    const cd = 1 - d2 * 0.5;
    const s = sinPhi * cd + cosPhi * sd;
    cosPhi = cosPhi * cd - sinPhi * sd;
    sinPhi = s;
  }
  const e2s = dLam * dLam;
  const se = dLam * (1 - e2s * SIXTH * (1 - e2s * TWENTIETH));
  const ce = 1 - e2s * 0.5 * (1 - e2s * TWELFTH * (1 - e2s * THIRTIETH));
  const sinLam = pos.sinLon[i];
  const cosLam = pos.cosLon[i];
  pos.lat[i] += dPhi * DEGREES_PER_RADIAN;
  pos.lon[i] += dLam * DEGREES_PER_RADIAN;
  pos.sinLat[i] = sinPhi;
  pos.cosLat[i] = cosPhi;
  pos.sinLon[i] = sinLam * ce + cosLam * se;
  pos.cosLon[i] = cosLam * ce - sinLam * se;
}

/** moveTwice() for long moves and near the poles: RK2 sub-steps (kept apart so that the short path inlines). */
function moveTwiceLong(pos: Positions, i: number, e1: number, n1: number, e2: number, n2: number): void {
  const point = movePoint;
  point[0] = pos.lat[i] * DEG;
  point[1] = pos.lon[i] * DEG;
  point[2] = pos.sinLat[i];
  point[3] = pos.cosLat[i];
  point[4] = pos.sinLon[i];
  point[5] = pos.cosLon[i];
  stepGeodesic(point, e1, n1);
  stepGeodesic(point, e2, n2);
  pos.lat[i] = point[0] / DEG;
  pos.lon[i] = point[1] / DEG;
  pos.sinLat[i] = point[2];
  pos.cosLat[i] = point[3];
  pos.sinLon[i] = point[4];
  pos.cosLon[i] = point[5];
}

/** cos 89.9°: closer to a pole, moves are made on the polar plane (movePolarPlane). */
const POLE_PLANE_COS = Math.cos((89.9 * Math.PI) / 180);
/** Radius of curvature at the poles, a/√(1 − e²). */
const POLAR_RADIUS_OF_CURVATURE = WGS84_A / Math.sqrt(1 - E2);

/**
 * Moves a point near a pole (point[0], point[1] = latitude, longitude in radians) by east/north metres in a
 * straight line on the plane tangent at the pole (azimuthal equidistant; within 11 km of the pole the
 * plane and the ellipsoid differ by micrometres), so that a particle can pass over the pole. Sets all six
 * numbers of the point.
 */
function movePolarPlane(point: EllipsoidPoint, east: number, north: number): void {
  // The south pole as the north pole of the mirrored latitude: east stays east, north turns round.
  const south = point[0] < 0;
  const dn = south ? -north : north;
  const lambda = point[1];
  const rho = (Math.PI / 2 - Math.abs(point[0])) * POLAR_RADIUS_OF_CURVATURE;
  const sl = Math.sin(lambda);
  const cl = Math.cos(lambda);
  // Plane coordinates with the pole at the origin: the point at (ρ sin λ, −ρ cos λ); east = (cos λ, sin λ),
  // north (towards the pole) = (−sin λ, cos λ).
  const x = rho * sl + east * cl - dn * sl;
  const y = -rho * cl + east * sl + dn * cl;
  const rho2 = Math.hypot(x, y);
  const phi = Math.PI / 2 - rho2 / POLAR_RADIUS_OF_CURVATURE;
  // At the pole itself the longitude stays what it was.
  const lambda2 = rho2 > 0 ? lambda + wrapAngle(Math.atan2(x, -y) - lambda) : lambda;
  setPointRad(point, south ? -phi : phi, lambda2);
}

/** An angle brought into (−π, π]. */
function wrapAngle(a: number): number {
  return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
}

function setPointRad(point: EllipsoidPoint, phi: number, lambda: number): void {
  point[0] = phi;
  point[1] = lambda;
  point[2] = Math.sin(phi);
  point[3] = Math.cos(phi);
  point[4] = Math.sin(lambda);
  point[5] = Math.cos(lambda);
}

const scratchPoint = ellipsoidPoint();
/** Result of displace(): [0] = lat (deg), [1] = lon (deg). */
export const displaced = new Float64Array(2);

/** Moves (latDeg, lonDeg) by east/north metres; the result goes to `displaced` (no allocation). */
export function displace(latDeg: number, lonDeg: number, east: number, north: number): void {
  setPoint(scratchPoint, latDeg, lonDeg);
  stepGeodesic(scratchPoint, east, north);
  displaced[0] = scratchPoint[0] / DEG;
  displaced[1] = scratchPoint[1] / DEG;
}

export const RAD_TO_DEG = 180 / Math.PI;
export const DEG_TO_RAD = DEG;
