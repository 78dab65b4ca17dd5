// Lambert azimuthal equal-area projection on the WGS84 ellipsoid (oblique aspect, Snyder 1987, pp. 187–190),
// the same projection as proj4's "+proj=laea +ellps=WGS84". Equal area, so every density cell covers the
// same area on the Earth. For the millions of points of a run, `forwardFast` interpolates sin/cos of the
// authalic latitude and of the longitude difference in fine tables (error < 1e-9 rad ≈ 6 mm).

const DEG = Math.PI / 180;
const A = 6378137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const E = Math.sqrt(E2);

/** Authalic q(φ). */
function qOf(sinPhi: number): number {
  const es = E * sinPhi;
  return (1 - E2) * (sinPhi / (1 - es * es) - (1 / (2 * E)) * Math.log((1 - es) / (1 + es)));
}

const QP = qOf(1);
const RQ = A * Math.sqrt(QP / 2);
// Series for the latitude from the authalic latitude.
const AP1 = E2 / 3 + (31 * E2 * E2) / 180 + (517 * E2 * E2 * E2) / 5040;
const AP2 = (23 * E2 * E2) / 360 + (251 * E2 * E2 * E2) / 3780;
const AP3 = (761 * E2 * E2 * E2) / 45360;
/** Table step, degrees: linear interpolation error of sin/cos ≤ h²/8 ≈ 1e-9. */
const TABLE_STEP_DEG = 0.005;

export class Laea {
  readonly lon0: number;
  readonly lat0: number;
  readonly proj4: string;
  private readonly sinB1: number;
  private readonly cosB1: number;
  private readonly d: number;
  // Interpolation tables (built by prepareTables).
  private latStart = 0;
  private lonStart = 0;
  private sinBTab = new Float64Array(0);
  private cosBTab = new Float64Array(0);
  private sinLTab = new Float64Array(0);
  private cosLTab = new Float64Array(0);

  /** Centred on lon0, lat0 (degrees); lon0 is normalised to [-180, 180). */
  constructor(lon0: number, lat0: number) {
    if (!(lat0 >= -90 && lat0 <= 90))
      throw new Error(`LAEA centre latitude: must be in [-90, 90], got ${lat0}`);
    this.lon0 = lon0 >= -180 && lon0 < 180 ? lon0 : ((((lon0 + 180) % 360) + 360) % 360) - 180;
    this.lat0 = lat0;
    const sinPhi1 = Math.sin(lat0 * DEG);
    const b1 = Math.asin(qOf(sinPhi1) / QP);
    this.sinB1 = Math.sin(b1);
    this.cosB1 = Math.cos(b1);
    const m1 = Math.cos(lat0 * DEG) / Math.sqrt(1 - E2 * sinPhi1 * sinPhi1);
    // At the poles D → 1 (the limit of m1 / cosβ1 · a / Rq is a / Rq · 1 … taken as 1 as proj4 does).
    this.d = Math.abs(this.cosB1) < 1e-12 ? 1 : (A * m1) / (RQ * this.cosB1);
    this.proj4 = `+proj=laea +lat_0=${lat0} +lon_0=${this.lon0} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`;
  }

  /** Projected metres of (lon, lat) degrees, exact formulas. */
  forward(lon: number, lat: number, out: { x: number; y: number }): void {
    const sinB = qOf(Math.sin(lat * DEG)) / QP;
    const cosB = Math.sqrt(Math.max(0, 1 - sinB * sinB));
    const dl = this.dLon(lon) * DEG;
    this.finish(sinB, cosB, Math.sin(dl), Math.cos(dl), out);
  }

  /** Longitude difference to the centre in (-180, 180]. */
  dLon(lon: number): number {
    return ((((lon - this.lon0 + 180) % 360) + 360) % 360) - 180;
  }

  private finish(
    sinB: number,
    cosB: number,
    sinL: number,
    cosL: number,
    out: { x: number; y: number },
  ): void {
    const denom = 1 + this.sinB1 * sinB + this.cosB1 * cosB * cosL;
    const b = RQ * Math.sqrt(2 / denom);
    out.x = b * this.d * cosB * sinL;
    out.y = (b / this.d) * (this.cosB1 * sinB - this.sinB1 * cosB * cosL);
  }

  /**
   * Builds the interpolation tables for latitudes in [latMin, latMax] and longitude differences (to the centre,
   * degrees) in [dLonMin, dLonMax]. Call before forwardFast.
   */
  prepareTables(latMin: number, latMax: number, dLonMin: number, dLonMax: number): void {
    this.latStart = Math.max(-90, latMin - 2 * TABLE_STEP_DEG);
    const nLat = Math.ceil((Math.min(90, latMax + 2 * TABLE_STEP_DEG) - this.latStart) / TABLE_STEP_DEG) + 2;
    this.sinBTab = new Float64Array(nLat);
    this.cosBTab = new Float64Array(nLat);
    for (let i = 0; i < nLat; i++) {
      const lat = Math.min(90, this.latStart + i * TABLE_STEP_DEG);
      const sinB = qOf(Math.sin(lat * DEG)) / QP;
      this.sinBTab[i] = sinB;
      this.cosBTab[i] = Math.sqrt(Math.max(0, 1 - sinB * sinB));
    }
    this.lonStart = dLonMin - 2 * TABLE_STEP_DEG;
    const nLon = Math.ceil((dLonMax + 2 * TABLE_STEP_DEG - this.lonStart) / TABLE_STEP_DEG) + 2;
    this.sinLTab = new Float64Array(nLon);
    this.cosLTab = new Float64Array(nLon);
    for (let i = 0; i < nLon; i++) {
      const dl = (this.lonStart + i * TABLE_STEP_DEG) * DEG;
      this.sinLTab[i] = Math.sin(dl);
      this.cosLTab[i] = Math.cos(dl);
    }
  }

  /** True once prepareTables has run (forwardFast may be used inside its ranges). */
  hasTables(): boolean {
    return this.sinBTab.length > 0;
  }

  /** The tables and constants of forwardFast, for loops that inline it (see density.ts). */
  fastParts() {
    return {
      step: TABLE_STEP_DEG,
      latStart: this.latStart,
      lonStart: this.lonStart,
      sinB: this.sinBTab,
      cosB: this.cosBTab,
      sinL: this.sinLTab,
      cosL: this.cosLTab,
      sinB1: this.sinB1,
      cosB1: this.cosB1,
      d: this.d,
      rq: RQ,
    };
  }

  /**
   * Like forward, from a longitude difference `dLon` (degrees, as returned by dLon) and a latitude inside the
   * ranges given to prepareTables.
   */
  forwardFast(dLon: number, lat: number, out: { x: number; y: number }): void {
    const u = (lat - this.latStart) / TABLE_STEP_DEG;
    const i = u | 0;
    const f = u - i;
    const sinB = this.sinBTab[i] + f * (this.sinBTab[i + 1] - this.sinBTab[i]);
    const cosB = this.cosBTab[i] + f * (this.cosBTab[i + 1] - this.cosBTab[i]);
    const v = (dLon - this.lonStart) / TABLE_STEP_DEG;
    const j = v | 0;
    const g = v - j;
    const sinL = this.sinLTab[j] + g * (this.sinLTab[j + 1] - this.sinLTab[j]);
    const cosL = this.cosLTab[j] + g * (this.cosLTab[j + 1] - this.cosLTab[j]);
    this.finish(sinB, cosB, sinL, cosL, out);
  }

  /**
   * (lon, lat) degrees of projected (x, y) metres. Longitudes are lon0 + a difference in (-180, 180], so they
   * stay continuous across the antimeridian (they may leave [-180, 180]).
   */
  inverse(x: number, y: number, out: { lon: number; lat: number }): void {
    const xd = x / this.d;
    const yd = y * this.d;
    const rho = Math.sqrt(xd * xd + yd * yd);
    if (rho < 1e-9) {
      out.lon = this.lon0;
      out.lat = this.lat0;
      return;
    }
    const ce = 2 * Math.asin(Math.min(1, rho / (2 * RQ)));
    const sinCe = Math.sin(ce);
    const cosCe = Math.cos(ce);
    const sinB = cosCe * this.sinB1 + (yd * sinCe * this.cosB1) / rho;
    const beta = Math.asin(Math.max(-1, Math.min(1, sinB)));
    let lat = beta + AP1 * Math.sin(2 * beta) + AP2 * Math.sin(4 * beta) + AP3 * Math.sin(6 * beta);
    // One Newton step on q(φ) = qp·sinβ (Snyder eq. 3-16) takes the series to full precision.
    const q = QP * Math.sin(beta);
    const sinPhi = Math.sin(lat);
    const cosPhi = Math.cos(lat);
    if (Math.abs(cosPhi) > 1e-12) {
      const es = E * sinPhi;
      const w = 1 - es * es;
      lat +=
        ((w * w) / (2 * cosPhi)) *
        (q / (1 - E2) - sinPhi / w + (1 / (2 * E)) * Math.log((1 - es) / (1 + es)));
    }
    const lam = Math.atan2(
      x * sinCe,
      this.d * rho * this.cosB1 * cosCe - this.d * this.d * y * this.sinB1 * sinCe,
    );
    out.lon = this.lon0 + lam / DEG;
    out.lat = lat / DEG;
  }
}
