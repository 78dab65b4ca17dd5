// Map projections of forcing grids. The common ones (polar stereographic, Lambert conformal conic,
// Mercator, rotated pole) are closed-form here, fast enough for a million particles per step and
// described by plain numbers (ProjectionSpec) so a worker thread can rebuild them. Anything else that
// proj4js understands (a proj4 string or WKT) goes through proj4js, slower but correct. Reading a
// ProjectionSpec from CF grid_mapping attributes or a proj4 string is grid-mapping.ts's job.
import type { Converter } from "proj4";
import type { Positions } from "../core/types.js";
import { proj4js } from "./proj4js.js";

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;
const HALF_PI = Math.PI / 2;

export const WGS84_A = 6378137;
export const WGS84_F = 1 / 298.257223563;
export const WGS84_ES = WGS84_F * (2 - WGS84_F);

export type ProjectionKind = "lonlat" | "stere" | "lcc" | "merc" | "rotated" | "proj4";

/** A projection as plain data. Angles in degrees, lengths in metres. */
export interface ProjectionSpec {
  kind: ProjectionKind;
  /** Semi-major axis (m) and first eccentricity squared (0 for a sphere). */
  a: number;
  es: number;
  lon0: number;
  lat0: number;
  /** stere: latitude of true scale (NaN when k0 is given instead); merc: idem. */
  latTs: number;
  k0: number;
  lat1: number;
  lat2: number;
  x0: number;
  y0: number;
  /** rotated: geographic position of the rotated north pole, and its grid longitude. */
  poleLat: number;
  poleLon: number;
  northPoleGridLon: number;
  /** proj4: the definition handed to proj4js (proj4 string or WKT). */
  definition: string;
  /** Metres per projection unit declared by the definition (+units=km …), used when x/y have no units. */
  unitMetres: number;
  /** Where the definition came from, for messages: 'CF grid_mapping "polar_stereographic"'. */
  source: string;
}

/** Forward and inverse transforms writing into out[0], out[1] (no allocation for closed forms). */
export interface Projector {
  /** True when projected coordinates are degrees (lon/lat, rotated pole). */
  readonly degrees: boolean;
  forward(lon: number, lat: number, out: Float64Array): void;
  inverse(x: number, y: number, out: Float64Array): void;
  rotation(lon: number, lat: number, x: number, y: number, out: Float64Array): void;
  /**
   * forward() and rotation() of every position p < count with need[p] === 1, in one pass and from the
   * sines and cosines the particles carry along (no trig calls): x, y and the rotation's cos and sin.
   * Optional (the projections whose forward is dominated by trig have it).
   */
  forwardPositions?(
    pos: Positions,
    count: number,
    need: Uint8Array,
    x: Float64Array,
    y: Float64Array,
    cos: Float64Array,
    sin: Float64Array,
  ): void;
  /** forwardPositions() as the WebAssembly sampler does it (polar stereographic only). */
  readonly polarStereographic?: PolarStereographicConstants;
}

/** The constants of a polar stereographic forwardPositions(). */
export interface PolarStereographicConstants {
  akm1: number;
  e: number;
  north: boolean;
  sinLam0: number;
  cosLam0: number;
  x0: number;
  y0: number;
  es: number;
}

/** N/M, the ratio of the prime-vertical to the meridional radius of curvature, (1 − e² sin²φ)/(1 − e²). */
function radiiRatio(es: number, sinphi: number): number {
  return (1 - es * sinphi * sinphi) / (1 - es);
}

/**
 * For a conformal projection whose +y axis is at true azimuth γ on its own ellipsoid (eccentricity²
 * esP), the azimuth OpenDrift computes: the direction's WGS84 azimuth from the same (dλ, dφ).
 */
function conformalRotation(gamma: number, esP: number, lat: number, out: Float64Array): void {
  conformalRotationSC(Math.sin(gamma), Math.cos(gamma), esP, Math.sin(lat * D2R), out);
}
function conformalRotationSC(
  sinGamma: number,
  cosGamma: number,
  esP: number,
  sinphi: number,
  out: Float64Array,
  at = 0,
): void {
  if (esP === WGS84_ES) {
    out[at] = cosGamma;
    out[at + 1] = sinGamma;
    return;
  }
  const s = sinGamma * radiiRatio(WGS84_ES, sinphi);
  const c = cosGamma * radiiRatio(esP, sinphi);
  const h = 1 / Math.sqrt(s * s + c * c);
  out[at] = c * h;
  out[at + 1] = s * h;
}

/** The rotation by OpenDrift's own method: positions of (x, y) and (x, y + dy), WGS84 azimuth. */
function numericRotation(p: Projector, x: number, y: number, out: Float64Array): void {
  const az = gridNorthAzimuth(p, x, y, out);
  out[0] = Math.cos(az);
  out[1] = Math.sin(az);
}

/** A definition that cannot be used: names the attribute or parameter and what is allowed. */
export class ProjectionError extends Error {}

// ---------------------------------------------------------------------------------------------------
// Closed forms (Snyder 1987; the same formulas as PROJ)

/** Isometric colatitude function t(φ) = tan(π/4 − φ/2) / ((1 − e sinφ)/(1 + e sinφ))^(e/2). */
function tsfn(phi: number, sinphi: number, e: number): number {
  const t = Math.tan(0.5 * (HALF_PI - phi));
  if (e === 0) return t;
  const es = e * sinphi;
  return t / ((1 - es) / (1 + es)) ** (0.5 * e);
}
function msfn(sinphi: number, cosphi: number, es: number): number {
  return cosphi / Math.sqrt(1 - es * sinphi * sinphi);
}
/** Inverse of tsfn by fixed-point iteration. */
function phi2(ts: number, e: number): number {
  const eh = 0.5 * e;
  let phi = HALF_PI - 2 * Math.atan(ts);
  for (let i = 0; i < 15; i++) {
    const con = e * Math.sin(phi);
    const next = HALF_PI - 2 * Math.atan(ts * ((1 - con) / (1 + con)) ** eh);
    if (Math.abs(next - phi) < 1e-14) return next;
    phi = next;
  }
  return phi;
}
function wrapPi(x: number): number {
  if (x >= -Math.PI && x < Math.PI) return x;
  return x - 2 * Math.PI * Math.floor((x + Math.PI) / (2 * Math.PI));
}
function wrap180(x: number): number {
  if (x >= -180 && x < 180) return x;
  return x - 360 * Math.floor((x + 180) / 360);
}

class LonLatProjector implements Projector {
  readonly degrees = true;
  forward(lon: number, lat: number, out: Float64Array): void {
    out[0] = lon;
    out[1] = lat;
  }
  inverse(x: number, y: number, out: Float64Array): void {
    out[0] = x;
    out[1] = y;
  }
  rotation(_lon: number, _lat: number, _x: number, _y: number, out: Float64Array): void {
    out[0] = 1;
    out[1] = 0;
  }
}

/**
 * ((1 + e·s)/(1 − e·s))^(e/2) = exp(e·atanh(e·s)) for s = sin φ, by series: |e·s| ≤ 0.082 on any earth
 * ellipsoid, so eight terms of atanh and seven of exp reach double precision, without pow or log.
 */
function conformalFactor(e: number, s: number): number {
  if (e === 0) return 1; // sphere
  const z = e * s;
  const z2 = z * z;
  // atanh z = z (1 + z²/3 + z⁴/5 + … + z¹⁴/15)
  const at =
    z *
    (1 +
      z2 *
        (1 / 3 + z2 * (1 / 5 + z2 * (1 / 7 + z2 * (1 / 9 + z2 * (1 / 11 + z2 * (1 / 13 + z2 * (1 / 15))))))));
  const a = e * at;
  // exp a, |a| ≤ e² < 0.007
  return (
    1 + a * (1 + a * (1 / 2 + a * (1 / 6 + a * (1 / 24 + a * (1 / 120 + a * (1 / 720 + a * (1 / 5040)))))))
  );
}

class PolarStereographic implements Projector {
  readonly degrees = false;
  private readonly e: number;
  private readonly north: boolean;
  /** ρ = akm1 · t(φ), metres. */
  private readonly akm1: number;
  private readonly lam0: number;
  private readonly sinLam0: number;
  private readonly cosLam0: number;
  constructor(private readonly s: ProjectionSpec) {
    this.e = Math.sqrt(s.es);
    this.north = s.lat0 > 0;
    this.lam0 = s.lon0 * D2R;
    this.sinLam0 = Math.sin(this.lam0);
    this.cosLam0 = Math.cos(this.lam0);
    const e = this.e;
    if (!Number.isNaN(s.latTs) && Math.abs(Math.abs(s.latTs) - 90) > 1e-10) {
      const phits = Math.abs(s.latTs) * D2R;
      const sin = Math.sin(phits);
      this.akm1 = (s.a * msfn(sin, Math.cos(phits), s.es)) / tsfn(phits, sin, e);
    } else {
      this.akm1 = (2 * s.a * s.k0) / Math.sqrt((1 + e) ** (1 + e) * (1 - e) ** (1 - e));
    }
    this.polarStereographic = {
      akm1: this.akm1,
      e,
      north: this.north,
      sinLam0: this.sinLam0,
      cosLam0: this.cosLam0,
      x0: s.x0,
      y0: s.y0,
      es: s.es,
    };
  }
  readonly polarStereographic: PolarStereographicConstants;
  // The last forward() point's trigonometry, reused by rotation() at the same point (the sampler calls
  // them in turn for each particle).
  private lastLon = Number.NaN;
  private lastLat = Number.NaN;
  private lastSinLam = 0;
  private lastCosLam = 1;
  private lastSinLat = 0;
  forward(lon: number, lat: number, out: Float64Array): void {
    const lam = wrapPi(lon * D2R - this.lam0);
    const phi = (this.north ? lat : -lat) * D2R;
    // t(φ) = tan(π/4 − φ/2) · ((1 + e sinφ)/(1 − e sinφ))^(e/2), with tan(π/4 − φ/2) = cosφ / (1 + sinφ).
    const sinPhi = Math.sin(phi);
    const rho = ((this.akm1 * Math.cos(phi)) / (1 + sinPhi)) * conformalFactor(this.e, sinPhi);
    const sl = Math.sin(lam);
    const cl = Math.cos(lam);
    out[0] = rho * sl + this.s.x0;
    out[1] = (this.north ? -rho : rho) * cl + this.s.y0;
    this.lastLon = lon;
    this.lastLat = lat;
    this.lastSinLam = sl;
    this.lastCosLam = cl;
    this.lastSinLat = this.north ? sinPhi : -sinPhi;
  }
  forwardPositions(
    pos: Positions,
    count: number,
    need: Uint8Array,
    x: Float64Array,
    y: Float64Array,
    cos: Float64Array,
    sin: Float64Array,
  ): void {
    const { sinLat, cosLat, sinLon, cosLon } = pos;
    const { sinLam0, cosLam0, north, akm1, e } = this;
    const { x0, y0, es } = this.s;
    // Rotation (conformalRotationSC): the +y axis at azimuth ±(λ − λ0) on this ellipsoid, seen on WGS84.
    const wgs84 = es === WGS84_ES;
    const invOneMinusWgs = 1 / (1 - WGS84_ES);
    const invOneMinusEs = 1 / (1 - es);
    for (let p = 0; p < count; p++) {
      if (need[p] !== 1) continue;
      // sin and cos of λ − λ0 by angle subtraction.
      const sl = sinLon[p] * cosLam0 - cosLon[p] * sinLam0;
      const cl = cosLon[p] * cosLam0 + sinLon[p] * sinLam0;
      const sinGeo = sinLat[p];
      const sinPhi = north ? sinGeo : -sinGeo;
      const rho = ((akm1 * cosLat[p]) / (1 + sinPhi)) * conformalFactor(e, sinPhi);
      x[p] = rho * sl + x0;
      y[p] = (north ? -rho : rho) * cl + y0;
      const sg = north ? sl : -sl;
      if (wgs84) {
        cos[p] = cl;
        sin[p] = sg;
      } else {
        const s2 = sinGeo * sinGeo;
        const sw = sg * (1 - WGS84_ES * s2) * invOneMinusWgs;
        const cw = cl * (1 - es * s2) * invOneMinusEs;
        const h = 1 / Math.sqrt(sw * sw + cw * cw);
        cos[p] = cw * h;
        sin[p] = sw * h;
      }
    }
  }
  inverse(x: number, y: number, out: Float64Array): void {
    const dx = x - this.s.x0;
    const dy = y - this.s.y0;
    const rho = Math.hypot(dx, dy);
    const phi = phi2(rho / this.akm1, this.e);
    const lam = this.north ? Math.atan2(dx, -dy) : Math.atan2(dx, dy);
    out[0] = wrap180((lam + this.lam0) * R2D);
    out[1] = (this.north ? phi : -phi) * R2D;
  }
  rotation(lon: number, lat: number, _x: number, _y: number, out: Float64Array): void {
    // Meridians are straight lines through the pole: the +y axis is at azimuth ±(λ − λ0).
    let sg: number;
    let cg: number;
    let sinLat: number;
    if (lon === this.lastLon && lat === this.lastLat) {
      sg = this.lastSinLam;
      cg = this.lastCosLam;
      sinLat = this.lastSinLat;
    } else {
      const d = wrapPi(lon * D2R - this.lam0);
      sg = Math.sin(d);
      cg = Math.cos(d);
      sinLat = Math.sin(lat * D2R);
    }
    if (!this.north) sg = -sg;
    conformalRotationSC(sg, cg, this.s.es, sinLat, out);
  }
}

class LambertConformal implements Projector {
  readonly degrees = false;
  private readonly e: number;
  private readonly n: number;
  private readonly c: number;
  private readonly rho0: number;
  private readonly lam0: number;
  private readonly ak0: number;
  constructor(private readonly s: ProjectionSpec) {
    const e = Math.sqrt(s.es);
    this.e = e;
    this.lam0 = s.lon0 * D2R;
    this.ak0 = s.a * s.k0;
    const phi1 = s.lat1 * D2R;
    const phi2v = s.lat2 * D2R;
    const sin1 = Math.sin(phi1);
    const m1 = msfn(sin1, Math.cos(phi1), s.es);
    const t1 = tsfn(phi1, sin1, e);
    let n = sin1;
    if (Math.abs(phi1 - phi2v) >= 1e-10) {
      const sin2 = Math.sin(phi2v);
      const m2 = msfn(sin2, Math.cos(phi2v), s.es);
      const t2 = tsfn(phi2v, sin2, e);
      n = Math.log(m1 / m2) / Math.log(t1 / t2);
    }
    if (n === 0)
      throw new ProjectionError(
        "Lambert conformal conic with standard parallels symmetric about the equator",
      );
    this.n = n;
    this.c = (m1 * t1 ** -n) / n;
    const phi0 = s.lat0 * D2R;
    this.rho0 = Math.abs(Math.abs(phi0) - HALF_PI) < 1e-10 ? 0 : this.c * tsfn(phi0, Math.sin(phi0), e) ** n;
  }
  forward(lon: number, lat: number, out: Float64Array): void {
    const phi = lat * D2R;
    let rho = 0;
    if (Math.abs(Math.abs(phi) - HALF_PI) > 1e-10) rho = this.c * tsfn(phi, Math.sin(phi), this.e) ** this.n;
    else if (phi * this.n <= 0) rho = Number.POSITIVE_INFINITY;
    const theta = this.n * wrapPi(lon * D2R - this.lam0);
    out[0] = this.ak0 * rho * Math.sin(theta) + this.s.x0;
    out[1] = this.ak0 * (this.rho0 - rho * Math.cos(theta)) + this.s.y0;
  }
  inverse(x: number, y: number, out: Float64Array): void {
    let xx = (x - this.s.x0) / this.ak0;
    let yy = this.rho0 - (y - this.s.y0) / this.ak0;
    let rho = Math.hypot(xx, yy);
    if (this.n < 0) {
      rho = -rho;
      xx = -xx;
      yy = -yy;
    }
    let phi: number;
    let lam: number;
    if (rho !== 0) {
      phi = phi2((rho / this.c) ** (1 / this.n), this.e);
      lam = Math.atan2(xx, yy) / this.n;
    } else {
      phi = this.n > 0 ? HALF_PI : -HALF_PI;
      lam = 0;
    }
    out[0] = wrap180((lam + this.lam0) * R2D);
    out[1] = phi * R2D;
  }
  rotation(lon: number, lat: number, _x: number, _y: number, out: Float64Array): void {
    conformalRotation(this.n * wrapPi(lon * D2R - this.lam0), this.s.es, lat, out);
  }
}

class Mercator implements Projector {
  readonly degrees = false;
  private readonly e: number;
  private readonly ak0: number;
  private readonly lam0: number;
  constructor(private readonly s: ProjectionSpec) {
    this.e = Math.sqrt(s.es);
    this.lam0 = s.lon0 * D2R;
    let k0 = s.k0;
    if (!Number.isNaN(s.latTs)) {
      const phits = s.latTs * D2R;
      k0 = msfn(Math.sin(phits), Math.cos(phits), s.es);
    }
    this.ak0 = s.a * k0;
  }
  forward(lon: number, lat: number, out: Float64Array): void {
    const phi = lat * D2R;
    out[0] = this.ak0 * wrapPi(lon * D2R - this.lam0) + this.s.x0;
    out[1] = -this.ak0 * Math.log(tsfn(phi, Math.sin(phi), this.e)) + this.s.y0;
  }
  inverse(x: number, y: number, out: Float64Array): void {
    out[0] = wrap180(((x - this.s.x0) / this.ak0 + this.lam0) * R2D);
    out[1] = phi2(Math.exp(-(y - this.s.y0) / this.ak0), this.e) * R2D;
  }
  rotation(_lon: number, _lat: number, _x: number, _y: number, out: Float64Array): void {
    out[0] = 1;
    out[1] = 0;
  }
}

/** Rotated pole (PROJ ob_tran with o_proj=longlat): x, y are rotated longitude and latitude in degrees. */
class RotatedPole implements Projector {
  readonly degrees = true;
  private readonly sinP: number;
  private readonly cosP: number;
  private readonly lon0: number;
  private readonly lamp: number;
  constructor(s: ProjectionSpec) {
    const phip = s.poleLat * D2R;
    this.sinP = Math.sin(phip);
    this.cosP = Math.cos(phip);
    this.lon0 = (s.poleLon + 180) * D2R;
    this.lamp = s.northPoleGridLon * D2R;
  }
  forward(lon: number, lat: number, out: Float64Array): void {
    const lam = lon * D2R - this.lon0;
    const phi = lat * D2R;
    const cphi = Math.cos(phi);
    const sphi = Math.sin(phi);
    const clam = Math.cos(lam);
    const rlam = Math.atan2(cphi * Math.sin(lam), this.sinP * cphi * clam + this.cosP * sphi) + this.lamp;
    const rphi = Math.asin(Math.max(-1, Math.min(1, this.sinP * sphi - this.cosP * cphi * clam)));
    out[0] = wrap180(rlam * R2D);
    out[1] = rphi * R2D;
  }
  inverse(x: number, y: number, out: Float64Array): void {
    const lam = x * D2R - this.lamp;
    const phi = y * D2R;
    const cphi = Math.cos(phi);
    const sphi = Math.sin(phi);
    const clam = Math.cos(lam);
    const glam = Math.atan2(cphi * Math.sin(lam), this.sinP * cphi * clam - this.cosP * sphi);
    const gphi = Math.asin(Math.max(-1, Math.min(1, this.sinP * sphi + this.cosP * cphi * clam)));
    out[0] = wrap180((glam + this.lon0) * R2D);
    out[1] = gphi * R2D;
  }
  rotation(_lon: number, _lat: number, x: number, y: number, out: Float64Array): void {
    numericRotation(this, x, y, out);
  }
}

class Proj4Projector implements Projector {
  readonly degrees: boolean;
  private readonly conv: Converter;
  constructor(s: ProjectionSpec) {
    this.conv = proj4js()(s.definition);
    this.degrees = false;
  }
  forward(lon: number, lat: number, out: Float64Array): void {
    try {
      const r = this.conv.forward([lon, lat]);
      out[0] = r[0];
      out[1] = r[1];
    } catch {
      out[0] = out[1] = Number.NaN;
    }
  }
  inverse(x: number, y: number, out: Float64Array): void {
    try {
      const r = this.conv.inverse([x, y]);
      out[0] = r[0];
      out[1] = r[1];
    } catch {
      out[0] = out[1] = Number.NaN;
    }
  }
  rotation(_lon: number, _lat: number, x: number, y: number, out: Float64Array): void {
    numericRotation(this, x, y, out);
  }
}

export function makeProjector(s: ProjectionSpec): Projector {
  switch (s.kind) {
    case "lonlat":
      return new LonLatProjector();
    case "stere":
      return new PolarStereographic(s);
    case "lcc":
      return new LambertConformal(s);
    case "merc":
      return new Mercator(s);
    case "rotated":
      return new RotatedPole(s);
    default:
      return new Proj4Projector(s);
  }
}

// ---------------------------------------------------------------------------------------------------
// Vector rotation

/**
 * Azimuth (radians clockwise from true north) of the grid's +y axis at (x, y), computed as OpenDrift's
 * rotate_vectors does: the geographic positions of (x, y) and (x, y + dy) and the WGS84 azimuth between
 * them (over so short a distance the local-plane formula equals the geodesic one).
 */
export function gridNorthAzimuth(p: Projector, x: number, y: number, scratch: Float64Array): number {
  const dy = p.degrees ? 1e-4 : 10;
  p.inverse(x, y, scratch);
  const lon1 = scratch[0];
  const lat1 = scratch[1];
  p.inverse(x, y + dy, scratch);
  const dLon = wrap180(scratch[0] - lon1) * D2R;
  const dLat = (scratch[1] - lat1) * D2R;
  const phi = 0.5 * (scratch[1] + lat1) * D2R;
  const s = Math.sin(phi);
  const w = 1 - WGS84_ES * s * s;
  const n = WGS84_A / Math.sqrt(w);
  const m = (WGS84_A * (1 - WGS84_ES)) / (w * Math.sqrt(w));
  return Math.atan2(n * Math.cos(phi) * dLon, m * dLat);
}
