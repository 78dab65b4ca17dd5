// Templates of sections 3 (grid), 4 (product) and 5 (data representation) that winds need.
// Octet numbers in comments are those of the WMO GRIB2 manual (1-based from the section start).
import { allOnes, float32, sint, uint } from "./bits.js";
import type { SectionSpan } from "./sections.js";

export interface Grib2Grid {
  /** Grid definition template: 0 regular lat/lon, 40 Gaussian; others are listed but not decoded. */
  template: number;
  numberOfPoints: number;
  ni: number;
  nj: number;
  /** Degrees, as coded (longitudes in 0…360 as most producers write them). */
  lat1: number;
  lon1: number;
  lat2: number;
  lon2: number;
  /** Increments in degrees (positive); NaN when not given (dj on Gaussian grids). */
  di: number;
  dj: number;
  /** Flag table 3.4: 0x80 i scans west, 0x40 j scans north, 0x20 columns consecutive, 0x10 boustrophedon. */
  scanMode: number;
  /** Gaussian grids: number of parallels between a pole and the equator; 0 otherwise. */
  gaussianN: number;
}

export const GRID_TEMPLATES = [0, 40];

/** Section 3. Unsupported templates give a grid with only `template` and `numberOfPoints` filled in. */
export function parseGrid(b: Uint8Array, s: SectionSpan): Grib2Grid {
  const o = s.offset;
  const template = uint(b, o + 12, 2);
  const numberOfPoints = uint(b, o + 6, 4);
  const grid: Grib2Grid = {
    template,
    numberOfPoints,
    ni: 0,
    nj: 0,
    lat1: Number.NaN,
    lon1: Number.NaN,
    lat2: Number.NaN,
    lon2: Number.NaN,
    di: Number.NaN,
    dj: Number.NaN,
    scanMode: 0,
    gaussianN: 0,
  };
  if ((template !== 0 && template !== 40) || s.length < 72) return grid;
  if (b[o + 10] !== 0) return grid; // an appended list of points per row: a reduced grid, not decoded here
  // Octets 39–46: basic angle and subdivisions; 0 or missing means units of 1e-6 degree.
  const basic = uint(b, o + 38, 4);
  const subdiv = uint(b, o + 42, 4);
  const unit =
    basic === 0 || allOnes(b, o + 38, 4) || allOnes(b, o + 42, 4) || subdiv === 0 ? 1e-6 : basic / subdiv;
  const angle = (p: number) => sint(b, p, 4) * unit;
  grid.ni = uint(b, o + 30, 4);
  grid.nj = uint(b, o + 34, 4);
  grid.lat1 = angle(o + 46);
  grid.lon1 = angle(o + 50);
  const flags = b[o + 54]; // resolution and component flags: 0x20 i increment given, 0x10 j increment given
  grid.lat2 = angle(o + 55);
  grid.lon2 = angle(o + 59);
  grid.di = flags & 0x20 && !allOnes(b, o + 63, 4) ? uint(b, o + 63, 4) * unit : Number.NaN;
  if (template === 0)
    grid.dj = flags & 0x10 && !allOnes(b, o + 67, 4) ? uint(b, o + 67, 4) * unit : Number.NaN;
  else grid.gaussianN = uint(b, o + 67, 4);
  grid.scanMode = b[o + 71];
  return grid;
}

export interface Grib2Product {
  template: number;
  category: number;
  number: number;
  /** Code table 4.5 (103 = height above ground); NaN when the template has no level. */
  levelType: number;
  levelValue: number;
  /** Seconds from the reference time to the valid time (end of the period for statistics); NaN if unknown. */
  forecastSeconds: number;
  /** Unix seconds; NaN when the template is not one of PRODUCT_TEMPLATES. */
  validTime: number;
  /** Ensemble member (perturbation number) of templates 4.1 and 4.11; null otherwise. */
  member: number | null;
}

// Templates sharing octets 10–34 of 4.0 (parameter, time, levels); the value is the octet where the
// "end of overall time interval" of statistically processed templates starts, or 0.
const PRODUCT_LAYOUT = new Map<number, number>([
  [0, 0],
  [1, 0],
  [2, 0],
  [8, 35],
  [11, 38],
  [12, 37],
]);
export const PRODUCT_TEMPLATES = [...PRODUCT_LAYOUT.keys()];

// Code table 4.4 units: seconds, or calendar months for month-based units.
const UNIT_SECONDS: Record<number, number> = {
  0: 60,
  1: 3600,
  2: 86400,
  10: 10800,
  11: 21600,
  12: 43200,
  13: 1,
};
const UNIT_MONTHS: Record<number, number> = { 3: 1, 4: 12, 5: 120, 6: 360, 7: 1200 };

function addTime(reference: number, amount: number, unit: number): number {
  const seconds = UNIT_SECONDS[unit];
  if (seconds !== undefined) return reference + amount * seconds;
  const months = UNIT_MONTHS[unit];
  if (months === undefined) return Number.NaN;
  const d = new Date(reference * 1000);
  d.setUTCMonth(d.getUTCMonth() + amount * months);
  return d.getTime() / 1000;
}

/** Section 1 octets 13–19 as Unix seconds. */
export function referenceTime(b: Uint8Array, s1: SectionSpan): number {
  const o = s1.offset;
  return Date.UTC(uint(b, o + 12, 2), b[o + 14] - 1, b[o + 15], b[o + 16], b[o + 17], b[o + 18]) / 1000;
}

function dateAt(b: Uint8Array, p: number): number {
  return Date.UTC(uint(b, p, 2), b[p + 2] - 1, b[p + 3], b[p + 4], b[p + 5], b[p + 6]) / 1000;
}

/** Section 4. Parameter category/number are read for any template (octets 10–11 are common). */
export function parseProduct(b: Uint8Array, s: SectionSpan, reference: number): Grib2Product {
  const o = s.offset;
  const template = uint(b, o + 7, 2);
  const product: Grib2Product = {
    template,
    category: s.length > 10 ? b[o + 9] : Number.NaN,
    number: s.length > 10 ? b[o + 10] : Number.NaN,
    levelType: Number.NaN,
    levelValue: Number.NaN,
    forecastSeconds: Number.NaN,
    validTime: Number.NaN,
    member: null,
  };
  const endOctet = PRODUCT_LAYOUT.get(template);
  if (endOctet === undefined || s.length < 34 || (endOctet > 0 && s.length < endOctet + 6)) return product;
  product.levelType = b[o + 22];
  const factor = b[o + 23] === 0xff ? 0 : sint(b, o + 23, 1);
  const scaled = allOnes(b, o + 24, 4) ? 0 : uint(b, o + 24, 4);
  // Divide by a power of ten rather than multiply by 10^-f so that 10 m stays exactly 10.
  product.levelValue = factor >= 0 ? scaled / 10 ** factor : scaled * 10 ** -factor;
  const start = addTime(reference, sint(b, o + 18, 4), b[o + 17]);
  product.validTime = endOctet > 0 ? dateAt(b, o + endOctet - 1) : start;
  product.forecastSeconds = product.validTime - reference;
  if ((template === 1 || template === 11) && s.length >= 37) product.member = b[o + 35];
  return product;
}

export interface Grib2Representation {
  /** Data representation template: 0 simple, 2 complex, 3 complex + spatial differencing, 40 JPEG 2000, 41 PNG, 42 CCSDS. */
  template: number;
  /** Number of packed values (points where the bitmap, if any, is set). */
  numberOfValues: number;
  reference: number;
  binaryScale: number;
  decimalScale: number;
  bitsPerValue: number;
  // Complex packing (5.2, 5.3):
  missingManagement: number;
  groups: number;
  widthReference: number;
  widthBits: number;
  lengthReference: number;
  lengthIncrement: number;
  lastLength: number;
  lengthBits: number;
  spatialOrder: number;
  extraOctets: number;
  // CCSDS (5.42):
  ccsdsFlags: number;
  ccsdsBlockSize: number;
  ccsdsRsi: number;
}

export const DATA_TEMPLATES = [0, 2, 3, 40, 41, 42];
const MIN_LENGTH: Record<number, number> = { 0: 21, 2: 47, 3: 49, 40: 23, 41: 21, 42: 25 };

/** Section 5; returns null for a template outside DATA_TEMPLATES (or a section too short for its template). */
export function parseRepresentation(b: Uint8Array, s: SectionSpan): Grib2Representation | null {
  const o = s.offset;
  const template = uint(b, o + 9, 2);
  const min = MIN_LENGTH[template];
  if (min === undefined || s.length < min) return null;
  const complex = template === 2 || template === 3;
  return {
    template,
    numberOfValues: uint(b, o + 5, 4),
    reference: float32(b, o + 11),
    binaryScale: sint(b, o + 15, 2),
    decimalScale: sint(b, o + 17, 2),
    bitsPerValue: b[o + 19],
    missingManagement: complex ? b[o + 22] : 0,
    groups: complex ? uint(b, o + 31, 4) : 0,
    widthReference: complex ? b[o + 35] : 0,
    widthBits: complex ? b[o + 36] : 0,
    lengthReference: complex ? uint(b, o + 37, 4) : 0,
    lengthIncrement: complex ? b[o + 41] : 0,
    lastLength: complex ? uint(b, o + 42, 4) : 0,
    lengthBits: complex ? b[o + 46] : 0,
    spatialOrder: template === 3 ? b[o + 47] : 0,
    extraOctets: template === 3 ? b[o + 48] : 0,
    ccsdsFlags: template === 42 ? b[o + 21] : 0,
    ccsdsBlockSize: template === 42 ? b[o + 22] : 0,
    ccsdsRsi: template === 42 ? uint(b, o + 23, 2) : 0,
  };
}
