// CF conventions on top of a NetcdfFile: packed values (scale_factor/add_offset), fill and missing
// values, valid ranges, and time coordinates with their units and calendars.

import { type NcVariable, type NetcdfFile, numAttr, numsAttr, strAttr } from "../io/netcdf/types.js";
import { ForcingFileError } from "./errors.js";

/** NetCDF default fill values, applied (as netCDF4-python does) when a variable has no _FillValue. */
const DEFAULT_FILL: Partial<Record<string, number>> = {
  short: -32767,
  int: -2147483647,
  float: 9.969209968386869e36,
  double: 9.969209968386869e36,
  ushort: 65535,
  uint: 4294967295,
};

/** How to turn raw (packed) numbers of one variable into physical values. */
export interface Unpacker {
  scale: number;
  offset: number;
  /** The packing attributes are float32: compute in float32 as netCDF4-python/xarray do. */
  float32: boolean;
  fills: number[];
  validMin: number;
  validMax: number;
  /** _Unsigned = "true" on a signed integer type: 2^bits to add to negative raw values, else 0. */
  unsignedWrap: number;
}

const SIGNED_BITS: Partial<Record<string, number>> = { byte: 8, short: 16, int: 32 };

export function unpacker(v: NcVariable): Unpacker {
  const scale = numAttr(v, "scale_factor") ?? 1;
  const offset = numAttr(v, "add_offset") ?? 0;
  const sType = v.attrs.get("scale_factor")?.type ?? v.attrs.get("add_offset")?.type;
  const unsigned =
    (strAttr(v, "_Unsigned") ?? "").toLowerCase() === "true" && SIGNED_BITS[v.type] !== undefined;
  const unsignedWrap = unsigned ? 2 ** SIGNED_BITS[v.type]! : 0;
  const asRaw = (x: number) => (unsigned && x < 0 ? x + unsignedWrap : x);
  const fills: number[] = [];
  const fill = numAttr(v, "_FillValue");
  if (fill !== undefined) fills.push(asRaw(fill));
  else if (DEFAULT_FILL[v.type] !== undefined && !unsigned) fills.push(DEFAULT_FILL[v.type]!);
  for (const m of numsAttr(v, "missing_value") ?? []) fills.push(asRaw(m));
  let validMin = Number.NEGATIVE_INFINITY;
  let validMax = Number.POSITIVE_INFINITY;
  const range = numsAttr(v, "valid_range");
  if (range && range.length >= 2) {
    validMin = range[0];
    validMax = range[1];
  }
  validMin = numAttr(v, "valid_min") ?? validMin;
  validMax = numAttr(v, "valid_max") ?? validMax;
  if (unsigned) {
    validMin = asRaw(validMin);
    validMax = asRaw(validMax);
  }
  return { scale, offset, float32: sType === "float", fills, validMin, validMax, unsignedWrap };
}

/** Decodes raw values in place: fill/missing/outside valid range → NaN, then scale and offset. */
export function unpackInPlace(raw: Float64Array, p: Unpacker): Float64Array {
  const { scale, offset, fills, validMin, validMax } = p;
  const nf = fills.length;
  const f0 = nf > 0 ? fills[0] : Number.NaN;
  const identity = scale === 1 && offset === 0;
  const wrap = p.unsignedWrap;
  for (let i = 0; i < raw.length; i++) {
    const r = wrap && raw[i] < 0 ? raw[i] + wrap : raw[i];
    let bad = r === f0 || !(r >= validMin && r <= validMax);
    for (let k = 1; k < nf && !bad; k++) bad = r === fills[k];
    if (bad) raw[i] = Number.NaN;
    else if (!identity)
      raw[i] = p.float32 ? Math.fround(Math.fround(r * scale) + offset) : r * scale + offset;
    else raw[i] = r;
  }
  return raw;
}

/** Reads and decodes a whole (coordinate) variable. */
export function readDecoded(file: NetcdfFile, name: string): Float64Array {
  const v = file.variables.get(name);
  if (!v) throw new ForcingFileError(file.path, `no variable ${name}`);
  return unpackInPlace(file.readAll(name), unpacker(v));
}

// ---------------------------------------------------------------------------------------------------
// Time

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  week: 604800,
  weeks: 604800,
};

export const SUPPORTED_CALENDARS = ["standard", "gregorian", "proleptic_gregorian", "julian"];

/** Julian day number (integer, noon-based) of a civil date in the Gregorian or Julian calendar. */
function julianDayNumber(y: number, m: number, d: number, gregorian: boolean): number {
  const a = Math.floor((14 - m) / 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  const base = d + Math.floor((153 * mm + 2) / 5) + 365 * yy + Math.floor(yy / 4);
  return gregorian ? base - Math.floor(yy / 100) + Math.floor(yy / 400) - 32045 : base - 32083;
}
const UNIX_EPOCH_JDN = 2440588;

/** Unix seconds of a reference date given as y-m-d h:m:s, in a calendar. */
export function civilToUnix(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  calendar: string,
): number {
  let gregorian = true;
  if (calendar === "julian") gregorian = false;
  else if (calendar === "standard" || calendar === "gregorian") {
    // Mixed calendar: Julian before 1582-10-15.
    gregorian = y > 1582 || (y === 1582 && (mo > 10 || (mo === 10 && d >= 15)));
  }
  const days = julianDayNumber(y, mo, d, gregorian) - UNIX_EPOCH_JDN;
  return days * 86400 + h * 3600 + mi * 60 + s;
}

export interface TimeUnits {
  /** Seconds per unit. */
  factor: number;
  /** Unix seconds of the reference time. */
  epoch: number;
}

/** Parses "hours since 2016-02-01 00:00:00 +01:00" (and the usual variants) in a calendar. */
export function parseTimeUnits(units: string, calendar = "standard"): TimeUnits {
  const cal = calendar.trim().toLowerCase() || "standard";
  if (!SUPPORTED_CALENDARS.includes(cal)) {
    throw new Error(`calendar "${calendar}" not supported (allowed: ${SUPPORTED_CALENDARS.join(", ")})`);
  }
  const m = /^\s*([A-Za-z]+)\s+since\s+(.+?)\s*$/i.exec(units);
  if (!m) throw new Error(`time units "${units}" are not "<unit> since <date>"`);
  const factor = UNIT_SECONDS[m[1].toLowerCase()];
  if (factor === undefined) {
    throw new Error(`time unit "${m[1]}" not supported (allowed: seconds, minutes, hours, days, weeks)`);
  }
  const ref =
    /^(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*(?:UTC)?$/i.exec(
      m[2],
    );
  if (!ref) throw new Error(`reference date "${m[2]}" in time units not understood`);
  const [, ys, mos, ds, hs, mis, ss, tz] = ref;
  let epoch = civilToUnix(+ys, +mos, +ds, +(hs ?? 0), +(mis ?? 0), +(ss ?? 0), cal);
  if (tz && /^[+-]/.test(tz)) {
    const t = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(tz)!;
    const offset = (+t[2] * 3600 + +(t[3] ?? 0) * 60) * (t[1] === "-" ? -1 : 1);
    epoch -= offset;
  }
  return { factor, epoch };
}

/** Decodes a time coordinate variable into Unix seconds (rounded to the millisecond). */
export function readTimes(file: NetcdfFile, name: string): Float64Array {
  const v = file.variables.get(name);
  if (!v) throw new ForcingFileError(file.path, `no time variable ${name}`);
  const units = strAttr(v, "units");
  if (!units) throw new ForcingFileError(file.path, `time variable ${name} has no units`);
  let tu: TimeUnits;
  try {
    tu = parseTimeUnits(units, strAttr(v, "calendar") ?? "standard");
  } catch (e) {
    throw new ForcingFileError(file.path, `time variable ${name}: ${(e as Error).message}`);
  }
  const raw = readDecoded(file, name);
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = Math.round((tu.epoch + raw[i] * tu.factor) * 1000) / 1000;
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]))
      throw new ForcingFileError(file.path, `time variable ${name} has missing values`);
    if (i > 0 && !(out[i] > out[i - 1])) {
      throw new ForcingFileError(file.path, `time variable ${name} is not strictly increasing at index ${i}`);
    }
  }
  return out;
}

/** "2016-02-01T12:00Z" (seconds shown only when not zero). */
export function isoMinute(t: number): string {
  if (!Number.isFinite(t)) return t > 0 ? "+inf" : "-inf";
  const s = new Date(Math.round(t * 1000)).toISOString();
  return s.endsWith(":00.000Z") ? `${s.slice(0, 16)}Z` : `${s.slice(0, 19)}Z`;
}
