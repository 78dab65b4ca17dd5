// A grid's projection from what a file says: CF grid_mapping attributes or a proj4 string, read into a
// ProjectionSpec (the projections themselves are in projection.ts), and its text for messages.
//
// Which definition wins follows OpenDrift 1.14 (and pyproj.CRS.from_cf): the CF grid_mapping
// attributes first, with the WGS84 ellipsoid when they give no earth shape; a proj4/proj4_string
// attribute only when the CF attributes cannot be used. (Arctic20's proj4_string says "sphere" while
// its CF attributes give no earth shape: OpenDrift's numbers are the ellipsoidal ones.)

import type { NcAttribute } from "../io/netcdf/types.js";
import { proj4js } from "./proj4js.js";
import {
  ProjectionError,
  type ProjectionKind,
  type ProjectionSpec,
  WGS84_A,
  WGS84_ES,
} from "./projection.js";

function baseSpec(kind: ProjectionKind, source: string): ProjectionSpec {
  return {
    kind,
    a: WGS84_A,
    es: WGS84_ES,
    lon0: 0,
    lat0: 0,
    latTs: Number.NaN,
    k0: 1,
    lat1: Number.NaN,
    lat2: Number.NaN,
    x0: 0,
    y0: 0,
    poleLat: 90,
    poleLon: 0,
    northPoleGridLon: 0,
    definition: "",
    unitMetres: 1,
    source,
  };
}

export const LONLAT: ProjectionSpec = baseSpec("lonlat", "longitude/latitude");

// ---------------------------------------------------------------------------------------------------
// CF grid_mapping

type Attrs = ReadonlyMap<string, NcAttribute>;
function num(attrs: Attrs, name: string): number | undefined {
  const a = attrs.get(name);
  return a && typeof a.value !== "string" && a.value.length ? a.value[0] : undefined;
}
function nums(attrs: Attrs, name: string): number[] | undefined {
  const a = attrs.get(name);
  return a && typeof a.value !== "string" ? a.value : undefined;
}
function str(attrs: Attrs, name: string): string | undefined {
  const a = attrs.get(name);
  return a && typeof a.value === "string" ? a.value.trim() : undefined;
}
function required(attrs: Attrs, name: string, mapping: string): number {
  const v = num(attrs, name);
  if (v === undefined) throw new ProjectionError(`grid_mapping ${mapping} lacks ${name}`);
  return v;
}

const ELLIPSOIDS: Record<string, [number, number]> = {
  wgs84: [6378137, 1 / 298.257223563],
  "wgs 84": [6378137, 1 / 298.257223563],
  grs80: [6378137, 1 / 298.257222101],
  "grs 1980": [6378137, 1 / 298.257222101],
  intl: [6378388, 1 / 297],
  "international 1924": [6378388, 1 / 297],
  clrk66: [6378206.4, 1 / 294.9786982],
  bessel: [6377397.155, 1 / 299.1528128],
  sphere: [6370997, 0],
};

/** Earth shape from CF attributes, as pyproj's from_cf reads them; WGS84 when nothing is given. */
function cfEarth(attrs: Attrs, spec: ProjectionSpec): void {
  const r = num(attrs, "earth_radius");
  const a = num(attrs, "semi_major_axis");
  const b = num(attrs, "semi_minor_axis");
  const rf = num(attrs, "inverse_flattening");
  const name = str(attrs, "reference_ellipsoid_name")?.toLowerCase();
  if (r !== undefined) {
    spec.a = r;
    spec.es = 0;
  } else if (a !== undefined) {
    spec.a = a;
    if (b !== undefined) spec.es = 1 - (b * b) / (a * a);
    else if (rf !== undefined && rf !== 0) spec.es = (1 / rf) * (2 - 1 / rf);
    else spec.es = 0;
  } else if (name && ELLIPSOIDS[name]) {
    const [ea, f] = ELLIPSOIDS[name];
    spec.a = ea;
    spec.es = f * (2 - f);
  }
}

/**
 * Projection of a CF grid_mapping variable. Throws ProjectionError for a grid mapping we cannot use
 * (the caller may then fall back to a proj4 attribute).
 */
export function projectionFromCF(attrs: Attrs): ProjectionSpec {
  const gm = str(attrs, "grid_mapping_name");
  if (!gm) throw new ProjectionError("no grid_mapping_name");
  const source = `CF grid_mapping "${gm}"`;
  const fe = num(attrs, "false_easting") ?? 0;
  const fn = num(attrs, "false_northing") ?? 0;
  switch (gm) {
    case "latitude_longitude":
      return { ...LONLAT, source };
    case "polar_stereographic": {
      const s = baseSpec("stere", source);
      cfEarth(attrs, s);
      s.lat0 = required(attrs, "latitude_of_projection_origin", gm);
      if (Math.abs(Math.abs(s.lat0) - 90) > 1e-9) {
        throw new ProjectionError(
          `polar_stereographic with latitude_of_projection_origin ${s.lat0} (must be ±90)`,
        );
      }
      s.lon0 =
        num(attrs, "straight_vertical_longitude_from_pole") ??
        num(attrs, "longitude_of_projection_origin") ??
        required(attrs, "straight_vertical_longitude_from_pole", gm);
      const k0 = num(attrs, "scale_factor_at_projection_origin");
      if (k0 !== undefined) s.k0 = k0;
      else s.latTs = num(attrs, "standard_parallel") ?? s.lat0;
      s.x0 = fe;
      s.y0 = fn;
      return s;
    }
    case "lambert_conformal_conic": {
      const s = baseSpec("lcc", source);
      cfEarth(attrs, s);
      const sp = nums(attrs, "standard_parallel");
      if (!sp || sp.length === 0) throw new ProjectionError(`grid_mapping ${gm} lacks standard_parallel`);
      s.lon0 = required(attrs, "longitude_of_central_meridian", gm);
      if (sp.length >= 2) {
        s.lat1 = sp[0];
        s.lat2 = sp[1];
        s.lat0 = required(attrs, "latitude_of_projection_origin", gm);
      } else {
        // 1SP: the natural origin is on the standard parallel.
        s.lat1 = s.lat2 = s.lat0 = sp[0];
        s.k0 = num(attrs, "scale_factor_at_projection_origin") ?? 1;
      }
      s.x0 = fe;
      s.y0 = fn;
      return s;
    }
    case "mercator": {
      const s = baseSpec("merc", source);
      cfEarth(attrs, s);
      s.lon0 = num(attrs, "longitude_of_projection_origin") ?? 0;
      const ts = num(attrs, "standard_parallel");
      if (ts !== undefined) s.latTs = ts;
      else s.k0 = num(attrs, "scale_factor_at_projection_origin") ?? 1;
      s.x0 = fe;
      s.y0 = fn;
      return s;
    }
    case "rotated_latitude_longitude": {
      const s = baseSpec("rotated", source);
      s.poleLat = required(attrs, "grid_north_pole_latitude", gm);
      s.poleLon = required(attrs, "grid_north_pole_longitude", gm);
      s.northPoleGridLon = num(attrs, "north_pole_grid_longitude") ?? 0;
      return s;
    }
    case "transverse_mercator":
    case "stereographic":
    case "lambert_azimuthal_equal_area":
    case "albers_conical_equal_area":
    case "orthographic": {
      const s = baseSpec("proj4", source);
      cfEarth(attrs, s);
      s.definition = cfToProj4String(gm, attrs, s);
      checkProj4(s.definition);
      return s;
    }
    default:
      throw new ProjectionError(`grid_mapping_name "${gm}" not supported`);
  }
}

function cfToProj4String(gm: string, attrs: Attrs, s: ProjectionSpec): string {
  const earth = s.es === 0 ? `+R=${s.a}` : `+a=${s.a} +b=${s.a * Math.sqrt(1 - s.es)}`;
  const fe = num(attrs, "false_easting") ?? 0;
  const fn = num(attrs, "false_northing") ?? 0;
  const lat0 = num(attrs, "latitude_of_projection_origin") ?? 0;
  const k0 =
    num(attrs, "scale_factor_at_projection_origin") ?? num(attrs, "scale_factor_at_central_meridian") ?? 1;
  const lon0 =
    num(attrs, "longitude_of_projection_origin") ?? num(attrs, "longitude_of_central_meridian") ?? 0;
  const sp = nums(attrs, "standard_parallel") ?? [lat0];
  const common = `+lat_0=${lat0} +lon_0=${lon0} +x_0=${fe} +y_0=${fn} ${earth} +units=m +no_defs`;
  switch (gm) {
    case "transverse_mercator":
      return `+proj=tmerc +k_0=${k0} ${common}`;
    case "stereographic":
      return `+proj=stere +k_0=${k0} ${common}`;
    case "lambert_azimuthal_equal_area":
      return `+proj=laea ${common}`;
    case "albers_conical_equal_area":
      return `+proj=aea +lat_1=${sp[0]} +lat_2=${sp[1] ?? sp[0]} ${common}`;
    default:
      return `+proj=ortho ${common}`;
  }
}

function checkProj4(definition: string): void {
  try {
    proj4js()(definition);
  } catch (e) {
    throw new ProjectionError(`projection "${definition}" not understood: ${(e as Error).message ?? e}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// proj4 strings

/** Projection of a proj4 string ("+proj=stere +lat_0=90 …"); uncommon ones go to proj4js. */
export function projectionFromProj4(definition: string, source = "proj4 attribute"): ProjectionSpec {
  const p = new Map<string, string>();
  for (const token of definition.trim().split(/\s+/)) {
    const m = /^\+?([^=]+)(?:=(.*))?$/.exec(token);
    if (m) p.set(m[1].toLowerCase(), m[2] ?? "");
  }
  const proj = p.get("proj");
  if (!proj) {
    // Perhaps WKT: let proj4js decide.
    const s = baseSpec("proj4", source);
    s.definition = definition;
    checkProj4(definition);
    return s;
  }
  const f = (k: string, d: number): number => (p.has(k) && p.get(k) !== "" ? Number(p.get(k)) : d);
  const s = baseSpec("stere", source);
  // Earth shape.
  const ellps = p.get("ellps")?.toLowerCase() ?? p.get("datum")?.toLowerCase();
  if (ellps && ELLIPSOIDS[ellps]) {
    const [a, fl] = ELLIPSOIDS[ellps];
    s.a = a;
    s.es = fl * (2 - fl);
  }
  if (p.has("r")) {
    s.a = f("r", WGS84_A);
    s.es = 0;
  } else if (p.has("a")) {
    s.a = f("a", WGS84_A);
    if (p.has("b")) s.es = 1 - (f("b", s.a) / s.a) ** 2;
    else if (p.has("rf")) s.es = (1 / f("rf", 0)) * (2 - 1 / f("rf", 0));
    else if (p.has("f")) s.es = f("f", 0) * (2 - f("f", 0));
    else if (p.has("es")) s.es = f("es", 0);
    else if (!ellps) s.es = 0;
  }
  s.lon0 = f("lon_0", 0);
  s.lat0 = f("lat_0", 0);
  s.x0 = f("x_0", 0);
  s.y0 = f("y_0", 0);
  s.k0 = f("k_0", f("k", 1));
  const units = p.get("units");
  s.unitMetres = p.has("to_meter") ? f("to_meter", 1) : units === "km" ? 1000 : 1;
  if (p.has("pm")) return proj4Fallback(); // a prime meridian other than Greenwich
  switch (proj) {
    case "longlat":
    case "latlong":
    case "lonlat":
    case "latlon":
      return { ...LONLAT, source };
    case "stere":
      if (Math.abs(Math.abs(s.lat0) - 90) > 1e-9) return proj4Fallback();
      s.latTs = p.has("lat_ts") ? f("lat_ts", 90) : Number.NaN;
      return s;
    case "lcc":
      s.kind = "lcc";
      s.lat1 = f("lat_1", s.lat0);
      s.lat2 = f("lat_2", s.lat1);
      if (!p.has("lat_0")) s.lat0 = s.lat1;
      return s;
    case "merc":
      s.kind = "merc";
      if (p.has("lat_ts")) s.latTs = f("lat_ts", 0);
      return s;
    case "ob_tran": {
      const o = p.get("o_proj")?.toLowerCase();
      if (o !== "longlat" && o !== "latlon" && o !== "lonlat" && o !== "latlong") return proj4Fallback();
      s.kind = "rotated";
      s.poleLat = f("o_lat_p", 90);
      s.northPoleGridLon = f("o_lon_p", 0);
      s.poleLon = f("lon_0", 0) - 180;
      return s;
    }
    default:
      return proj4Fallback();
  }
  function proj4Fallback(): ProjectionSpec {
    const fb = baseSpec("proj4", source);
    fb.definition = definition;
    fb.unitMetres = s.unitMetres;
    checkProj4(definition);
    return fb;
  }
}

/** A proj4-style text for messages and provenance. */
export function projectionText(s: ProjectionSpec): string {
  const earth =
    s.es === 0
      ? `+R=${s.a}`
      : s.a === WGS84_A && Math.abs(s.es - WGS84_ES) < 1e-12
        ? "+ellps=WGS84"
        : `+a=${s.a} +es=${s.es}`;
  const off = s.x0 || s.y0 ? ` +x_0=${s.x0} +y_0=${s.y0}` : "";
  switch (s.kind) {
    case "lonlat":
      return "+proj=longlat +ellps=WGS84";
    case "stere":
      return `+proj=stere +lat_0=${s.lat0} +lon_0=${s.lon0} ${Number.isNaN(s.latTs) ? `+k_0=${s.k0}` : `+lat_ts=${s.latTs}`}${off} ${earth}`;
    case "lcc":
      return `+proj=lcc +lat_0=${s.lat0} +lon_0=${s.lon0} +lat_1=${s.lat1} +lat_2=${s.lat2}${s.k0 !== 1 ? ` +k_0=${s.k0}` : ""}${off} ${earth}`;
    case "merc":
      return `+proj=merc +lon_0=${s.lon0} ${Number.isNaN(s.latTs) ? `+k_0=${s.k0}` : `+lat_ts=${s.latTs}`}${off} ${earth}`;
    case "rotated":
      return `+proj=ob_tran +o_proj=longlat +o_lat_p=${s.poleLat} +o_lon_p=${s.northPoleGridLon} +lon_0=${s.poleLon + 180}`;
    default:
      return s.definition;
  }
}

export function projectionName(s: ProjectionSpec): string {
  switch (s.kind) {
    case "lonlat":
      return "longitude/latitude";
    case "stere":
      return "polar stereographic";
    case "lcc":
      return "Lambert conformal conic";
    case "merc":
      return "Mercator";
    case "rotated":
      return "rotated pole";
    default:
      return "proj4";
  }
}
