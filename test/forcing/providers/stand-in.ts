// A local HTTP server (127.0.0.1, random port) that plays the forcing services in their real formats:
//   /nomads/cgi-bin/filter_gfs_0p25.pl     NOMADS grib filter: UGRD/VGRD 10 m GRIB2 cut to the subregion
//   /gfs-bucket/gfs.YYYYMMDD/HH/atmos/…    GFS pgrb2.0p25 files (PRMSL, UGRD, VGRD, TMP) with .idx, Range requests
//   /cmems/auth/token                      Copernicus Marine login (OpenID Connect password grant)
//   /cmems/stac/…                          STAC product and dataset items pointing at the Zarr stores
//   /cmems/arco/{time,geo}/….zarr/…        ARCO Zarr v2 stores (consolidated .zmetadata, blosc chunks)
//   /thredds/ncss/grid/…                   THREDDS NetCDF Subset Service cutting NetCDF-3 subsets
// The GFS fields and the Copernicus currents are the synthetic wind of data-bundled/forcing (the currents
// scaled by 0.05), the NCSS subsets are cut from Arctic20: so a fetch can be compared with the local file.
// Failures are injected per path prefix: failNext("/nomads", 500, "hang", "truncate", "corrupt", …).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Blosc from "numcodecs/blosc";
import { readTimes } from "../../../src/forcing/cf.js";
import type { ThreddsOptions } from "../../../src/forcing/providers/thredds.js";
import { openNetcdf } from "../../../src/io/netcdf/open.js";
import type { NcAttribute, NcAttributes, NcVariableDef, NetcdfFile } from "../../../src/io/netcdf/types.js";
import { writeNetcdf3 } from "../../../src/io/netcdf/write-classic.js";
import {
  bitmapSection,
  buildMessage,
  gridSection,
  identificationSection,
  packSimple,
  productSection,
} from "../grib2/encoder.js";

export const SHARED = new URL("../../../data-bundled/forcing/", import.meta.url).pathname;
export const SYNTHETIC = join(SHARED, "synthetic_wind_20160201_lonlat.nc");
export const ARCTIC20 = join(SHARED, "Arctic20_1to5Feb_2016.nc");
/** 2016-02-01T00Z: hour 0 of the synthetic wind. */
export const T0 = Date.UTC(2016, 1, 1) / 1000;
export const CMEMS_USER = "alice";
export const CMEMS_PASSWORD = "s3cret-pw";
export const CMEMS_PRODUCT = "GLOBAL_ANALYSISFORECAST_PHY_001_024";
export const CMEMS_DATASET = "cmems_mod_glo_phy_anfc_0.083deg_PT1H-m";
export const CMEMS_VERSION = `${CMEMS_DATASET}_202406`;
/** Currents of the Zarr store = synthetic wind × this. */
export const CURRENT_SCALE = 0.05;

/** THREDDS NCSS settings of the stand-in's Arctic20 dataset (served under url/thredds). */
export function arctic20Ncss(url: string): ThreddsOptions {
  return {
    name: "arctic20",
    kind: "current",
    baseUrl: `${url}/thredds`,
    dataset: "arctic20/Arctic20_1to5Feb_2016.nc",
    variables: ["u", "v"],
    vertCoord: 0,
    resolutionM: 20_000,
    timeStepHours: 24,
  };
}

/**
 * A status code, or: "hang" (never answers), "truncate" (announces the whole length, sends half, drops the
 * connection), "short" (sends half a file as if it were whole: only a content check can tell), "corrupt"
 * (flips bytes and the magic number), "reset" (drops the connection before answering).
 */
export type Behaviour = number | "hang" | "truncate" | "short" | "corrupt" | "reset";

interface Synthetic {
  lon: Float64Array;
  lat: Float64Array;
  nt: number;
  u: Float32Array;
  v: Float32Array;
}

let synthetic: Synthetic | null = null;
/** The synthetic wind, read once: [time][lat][lon] float32 as stored. */
export async function syntheticWind(): Promise<Synthetic> {
  if (synthetic) return synthetic;
  const f = await openNetcdf(SYNTHETIC);
  try {
    synthetic = {
      lon: f.readAll("lon"),
      lat: f.readAll("lat"),
      nt: f.variables.get("time")!.shape[0],
      u: Float32Array.from(f.readAll("eastward_wind")),
      v: Float32Array.from(f.readAll("northward_wind")),
    };
  } finally {
    f.close();
  }
  return synthetic;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

// ---------------------------------------------------------------- GFS
/** Synthetic hour index of a valid time (cyclic outside 2016-02-01..06, so any run date works). */
function hourIndex(valid: number, nt: number): number {
  const h = Math.round((valid - T0) / 3600);
  return ((h % (nt - 1)) + (nt - 1)) % (nt - 1);
}

/** A GRIB2 message of one field f(j, i) over rows j0..j1 (north first) and columns i0..i1. */
function gribMessage(
  s: Synthetic,
  run: number,
  hour: number,
  cat: number,
  num: number,
  levelType: number,
  level: number,
  box: { i0: number; i1: number; j0: number; j1: number },
  value: (j: number, i: number) => number,
): Uint8Array {
  const x: number[] = [];
  // GFS order: rows from north to south, west to east within a row.
  for (let j = box.j1; j >= box.j0; j--) {
    for (let i = box.i0; i <= box.i1; i++) x.push(Math.round((value(j, i) + 40) * 65536));
  }
  const p = packSimple(x, 24, { reference: -40, binaryScale: -16, decimalScale: 0 });
  return buildMessage(0, [
    identificationSection(run),
    gridSection({
      ni: box.i1 - box.i0 + 1,
      nj: box.j1 - box.j0 + 1,
      lat1: s.lat[box.j1],
      lon1: s.lon[box.i0],
      lat2: s.lat[box.j0],
      lon2: s.lon[box.i1],
      di: 0.25,
      dj: 0.25,
      scanMode: 0,
    }),
    productSection(cat, num, hour, levelType, level),
    p.s5,
    bitmapSection(255),
    p.s7,
  ]);
}

interface GfsFile {
  bytes: Uint8Array;
  idx: string;
}

function gfsFile(
  s: Synthetic,
  run: number,
  hour: number,
  box: { i0: number; i1: number; j0: number; j1: number },
  all: boolean,
): GfsFile {
  const k = hourIndex(run + hour * 3600, s.nt);
  const size = s.lon.length * s.lat.length;
  const at = (a: Float32Array) => (j: number, i: number) => a[k * size + j * s.lon.length + i];
  const parts: { name: string; level: string; bytes: Uint8Array }[] = [];
  if (all)
    parts.push({
      name: "PRMSL",
      level: "mean sea level",
      bytes: gribMessage(s, run, hour, 3, 1, 101, 0, box, () => 0),
    });
  parts.push({
    name: "UGRD",
    level: "10 m above ground",
    bytes: gribMessage(s, run, hour, 2, 2, 103, 10, box, at(s.u)),
  });
  parts.push({
    name: "VGRD",
    level: "10 m above ground",
    bytes: gribMessage(s, run, hour, 2, 3, 103, 10, box, at(s.v)),
  });
  if (all)
    parts.push({
      name: "TMP",
      level: "2 m above ground",
      bytes: gribMessage(s, run, hour, 0, 0, 103, 2, box, () => 1),
    });
  const d = new Date(run * 1000);
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}`;
  let offset = 0;
  const lines: string[] = [];
  parts.forEach((p, n) => {
    lines.push(
      `${n + 1}:${offset}:d=${date}:${p.name}:${p.level}:${hour === 0 ? "anl" : `${hour} hour fcst`}:`,
    );
    offset += p.bytes.length;
  });
  const bytes = new Uint8Array(offset);
  offset = 0;
  for (const p of parts) {
    bytes.set(p.bytes, offset);
    offset += p.bytes.length;
  }
  return { bytes, idx: `${lines.join("\n")}\n` };
}

/** Run time and forecast hour from dir=/gfs.YYYYMMDD/HH/atmos and file=gfs.tHHz.pgrb2.0p25.fFFF. */
function parseGfsPath(dir: string, file: string): { run: number; hour: number } | null {
  const d = /^\/?gfs\.(\d{4})(\d{2})(\d{2})\/(\d{2})\/atmos$/.exec(dir);
  const f = /^gfs\.t(\d{2})z\.pgrb2\.0p25\.f(\d{3})$/.exec(file);
  if (!d || !f || d[4] !== f[1]) return null;
  return { run: Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4]) / 1000, hour: +f[2] };
}

// ---------------------------------------------------------------- Copernicus Marine ARCO Zarr
/**
 * A Zarr v2 store in Copernicus Marine's ARCO layout: consolidated .zmetadata, uo/vo (time, depth, latitude,
 * longitude) float32 with blosc/zstd chunks. Chunks are encoded when first asked for (as many as a test needs).
 */
function zarrStore(
  s: Synthetic,
  chunks: { t: number; y: number; x: number },
): (key: string) => Promise<Uint8Array | undefined> {
  const codec = Blosc.fromConfig({ id: "blosc", cname: "zstd", clevel: 5, shuffle: 1, blocksize: 0 });
  const compressor = { id: "blosc", cname: "zstd", clevel: 5, shuffle: 1, blocksize: 0 };
  const nx = s.lon.length;
  const ny = s.lat.length;
  const nt = s.nt;
  const depth = Float64Array.of(0.494025, 1.541375);
  const times = Float64Array.from({ length: nt }, (_, k) => (T0 - Date.UTC(1950, 0, 1) / 1000) / 3600 + k);
  const meta: Record<string, unknown> = {
    ".zgroup": { zarr_format: 2 },
    ".zattrs": {
      Conventions: "CF-1.8",
      title: "hourly mean fields from Global Ocean Physics Analysis and Forecast (stand-in)",
      institution: "Mercator Ocean International",
    },
  };
  const coords: Record<string, Float64Array> = { time: times, depth, latitude: s.lat, longitude: s.lon };
  const coordAttrs: Record<string, Record<string, unknown>> = {
    time: { standard_name: "time", units: "hours since 1950-01-01", calendar: "gregorian", axis: "T" },
    depth: { standard_name: "depth", units: "m", positive: "down", axis: "Z" },
    latitude: { standard_name: "latitude", units: "degrees_north", axis: "Y" },
    longitude: { standard_name: "longitude", units: "degrees_east", axis: "X" },
  };
  for (const [name, values] of Object.entries(coords)) {
    meta[`${name}/.zarray`] = {
      zarr_format: 2,
      shape: [values.length],
      chunks: [values.length],
      dtype: "<f8",
      compressor,
      fill_value: "NaN",
      filters: null,
      order: "C",
    };
    meta[`${name}/.zattrs`] = { _ARRAY_DIMENSIONS: [name], ...coordAttrs[name] };
  }
  const sources: Record<string, Float32Array> = { uo: s.u, vo: s.v };
  for (const [name, standard] of [
    ["uo", "eastward_sea_water_velocity"],
    ["vo", "northward_sea_water_velocity"],
  ]) {
    meta[`${name}/.zarray`] = {
      zarr_format: 2,
      shape: [nt, depth.length, ny, nx],
      chunks: [chunks.t, 1, chunks.y, chunks.x],
      dtype: "<f4",
      compressor,
      fill_value: "NaN",
      filters: null,
      order: "C",
    };
    meta[`${name}/.zattrs`] = {
      _ARRAY_DIMENSIONS: ["time", "depth", "latitude", "longitude"],
      standard_name: standard,
      units: "m s-1",
      valid_min: -5,
      valid_max: 5,
    };
  }
  const text = new Map<string, Uint8Array>();
  for (const [key, value] of Object.entries(meta))
    text.set(key, new TextEncoder().encode(JSON.stringify(value)));
  text.set(
    ".zmetadata",
    new TextEncoder().encode(JSON.stringify({ zarr_consolidated_format: 1, metadata: meta })),
  );
  const encoded = new Map<string, Uint8Array>();

  const chunk = (name: string, ct: number, cz: number, cy: number, cx: number): Float32Array | undefined => {
    const src = sources[name];
    if (!src || cz >= depth.length || ct * chunks.t >= nt || cy * chunks.y >= ny || cx * chunks.x >= nx)
      return undefined;
    // Edge chunks are stored whole, padded with the fill value, as Zarr v2 does.
    const out = new Float32Array(chunks.t * chunks.y * chunks.x).fill(Number.NaN);
    const size = nx * ny;
    for (let a = 0; a < chunks.t && ct * chunks.t + a < nt; a++) {
      const t = ct * chunks.t + a;
      for (let b = 0; b < chunks.y && cy * chunks.y + b < ny; b++) {
        const j = cy * chunks.y + b;
        for (let c = 0; c < chunks.x && cx * chunks.x + c < nx; c++) {
          const i = cx * chunks.x + c;
          // The second level differs (half the surface value) so that reading the surface is tested.
          const value = Math.fround(src[t * size + j * nx + i] * CURRENT_SCALE);
          out[(a * chunks.y + b) * chunks.x + c] = cz === 0 ? value : value / 2;
        }
      }
    }
    return out;
  };

  return async (key: string) => {
    const fixed = text.get(key);
    if (fixed) return fixed;
    const hit = encoded.get(key);
    if (hit) return hit;
    let raw: Uint8Array | undefined;
    const c = /^(time|depth|latitude|longitude)\/0$/.exec(key);
    if (c) raw = new Uint8Array(coords[c[1]].slice().buffer);
    const d = /^(uo|vo)\/(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(key);
    if (d) {
      const values = chunk(d[1], +d[2], +d[3], +d[4], +d[5]);
      if (values) raw = new Uint8Array(values.buffer);
    }
    if (!raw) return undefined;
    const bytes = await codec.encode(raw);
    encoded.set(key, bytes);
    return bytes;
  };
}

// ---------------------------------------------------------------- THREDDS NCSS
function attrsOf(map: ReadonlyMap<string, NcAttribute>): NcAttributes {
  const out: NcAttributes = {};
  for (const a of map.values()) {
    if (typeof a.value === "string") out[a.name] = a.value;
    else if (
      a.type === "byte" ||
      a.type === "short" ||
      a.type === "int" ||
      a.type === "float" ||
      a.type === "double"
    ) {
      out[a.name] = { type: a.type, values: a.value };
    }
  }
  return out;
}

type Reply = { status: number; body: Uint8Array | string; type?: string };

function ncssSubset(f: NetcdfFile, q: URLSearchParams, scratch: string): Promise<Reply> | Reply {
  const vars = q.getAll("var");
  for (const v of vars)
    if (!f.variables.has(v)) return { status: 400, body: `Variable '${v}' not in dataset` };
  const [north, south, east, west] = ["north", "south", "east", "west"].map((k) => Number(q.get(k)));
  if (![north, south, east, west].every(Number.isFinite))
    return { status: 400, body: "bounding box needs north, south, east, west" };
  const t0 = Date.parse(q.get("time_start") ?? "") / 1000;
  const t1 = Date.parse(q.get("time_end") ?? "") / 1000;
  const lat = f.readAll("latitude");
  const lon = f.readAll("longitude");
  const nx = f.variables.get("X")!.shape[0];
  const ny = f.variables.get("Y")!.shape[0];
  let [i0, i1, j0, j1] = [nx, -1, ny, -1];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const la = lat[j * nx + i];
      const lo = lon[j * nx + i];
      if (la >= south && la <= north && lo >= west && lo <= east) {
        i0 = Math.min(i0, i);
        i1 = Math.max(i1, i);
        j0 = Math.min(j0, j);
        j1 = Math.max(j1, j);
      }
    }
  }
  if (i1 < 0) return { status: 400, body: "Request Bounding Box does not intersect Data" };
  [i0, j0] = [Math.max(0, i0 - 1), Math.max(0, j0 - 1)];
  [i1, j1] = [Math.min(nx - 1, i1 + 1), Math.min(ny - 1, j1 + 1)];
  const times = readTimes(f, "time");
  const ks = [...times.keys()].filter((k) => times[k] >= t0 && times[k] <= t1);
  if (ks.length === 0) return { status: 400, body: "No times in the requested range" };
  const depth = f.readAll("depth");
  const vert = q.get("vertCoord");
  let z = 0;
  if (vert !== null)
    for (let k = 1; k < depth.length; k++) if (Math.abs(depth[k] - +vert) < Math.abs(depth[z] - +vert)) z = k;
  const [k0, nk] = [ks[0], ks.length];
  const [cx, cy] = [i1 - i0 + 1, j1 - j0 + 1];
  const variables: NcVariableDef[] = [];
  const add = (name: string, dims: string[], start: number[], count: number[]) => {
    const v = f.variables.get(name)!;
    const type =
      v.type === "char" || v.type === "byte" || v.type === "short" || v.type === "int" || v.type === "float"
        ? v.type
        : "double";
    variables.push({
      name,
      type,
      dims,
      attributes: attrsOf(v.attrs),
      data: dims.length ? f.read(name, start, count) : v.type === "char" ? [0] : f.readAll(name),
    });
  };
  add("time", ["time"], [k0], [nk]);
  add("depth", ["depth"], [z], [1]);
  add("Y", ["Y"], [j0], [cy]);
  add("X", ["X"], [i0], [cx]);
  add("latitude", ["Y", "X"], [j0, i0], [cy, cx]);
  add("longitude", ["Y", "X"], [j0, i0], [cy, cx]);
  add("polar_stereographic", [], [], []);
  add("forecast_reference_time", [], [], []);
  for (const v of vars) add(v, ["time", "depth", "Y", "X"], [k0, z, j0, i0], [nk, 1, cy, cx]);
  const path = join(scratch, `ncss-${Math.random().toString(36).slice(2)}.nc`);
  return writeNetcdf3(path, {
    dimensions: { time: nk, depth: 1, Y: cy, X: cx },
    attributes: { ...attrsOf(f.attrs), history: "subset by the THREDDS NCSS stand-in" },
    variables,
  }).then(() => {
    const body = readFileSync(path);
    rmSync(path);
    return { status: 200, body, type: "application/x-netcdf" };
  });
}

// ---------------------------------------------------------------- the server
export interface StandIn {
  url: string;
  /** Requests seen (method + path + query), in order. */
  requests: string[];
  /** Requests whose path starts with prefix. */
  count(prefix: string): number;
  /** The next requests under prefix answer with these behaviours (status code or failure), in order. */
  failNext(prefix: string, ...behaviours: Behaviour[]): void;
  /** Always fail under prefix with this behaviour (until cleared with null). */
  failAlways(prefix: string, behaviour: Behaviour | null): void;
  /** GFS runs (Unix s) that are not published: filter says "data file is not present", the bucket 404. */
  missingRuns: Set<number>;
  reset(): void;
  close(): Promise<void>;
}

export async function startStandIn(): Promise<StandIn> {
  const s = await syntheticWind();
  const scratch = mkdtempSync(join(tmpdir(), "driftline-standin-"));
  const arctic = await openNetcdf(ARCTIC20);
  const stores = { time: zarrStore(s, { t: 1, y: 16, x: 32 }), geo: zarrStore(s, { t: 48, y: 8, x: 8 }) };
  const gfsCache = new Map<string, GfsFile>();
  const requests: string[] = [];
  const once = new Map<string, Behaviour[]>();
  const always = new Map<string, Behaviour>();
  const missingRuns = new Set<number>();
  let base = "";

  const gfs = (
    run: number,
    hour: number,
    box: { i0: number; i1: number; j0: number; j1: number },
    all: boolean,
  ) => {
    const key = `${run} ${hour} ${JSON.stringify(box)} ${all}`;
    let f = gfsCache.get(key);
    if (!f) {
      f = gfsFile(s, run, hour, box, all);
      gfsCache.set(key, f);
    }
    return f;
  };
  const fullBox = { i0: 0, i1: s.lon.length - 1, j0: 0, j1: s.lat.length - 1 };

  const route = async (
    req: IncomingMessage,
    path: string,
    q: URLSearchParams,
    body: string,
  ): Promise<Reply & { headers?: Record<string, string> }> => {
    if (path === "/nomads/cgi-bin/filter_gfs_0p25.pl") {
      const p = parseGfsPath(q.get("dir") ?? "", q.get("file") ?? "");
      if (
        !p ||
        q.get("var_UGRD") !== "on" ||
        q.get("var_VGRD") !== "on" ||
        q.get("lev_10_m_above_ground") !== "on"
      ) {
        return { status: 400, body: "bad request: dir/file/var/lev parameters" };
      }
      if (missingRuns.has(p.run)) {
        return {
          status: 200,
          type: "text/html",
          body: "<html><body>data file is not present: /gfs/prod/…</body></html>",
        };
      }
      const [w, e, n, so] = ["leftlon", "rightlon", "toplat", "bottomlat"].map((k) => Number(q.get(k)));
      const idx = (a: Float64Array, v: number, up: boolean) => {
        const k = a.findIndex((x) => x >= v - 1e-9);
        if (up) return k < 0 ? a.length - 1 : k;
        let last = 0;
        a.forEach((x, i) => {
          if (x <= v + 1e-9) last = i;
        });
        return last;
      };
      const box = {
        i0: idx(s.lon, w, true),
        i1: idx(s.lon, e, false),
        j0: idx(s.lat, so, true),
        j1: idx(s.lat, n, false),
      };
      return { status: 200, type: "application/octet-stream", body: gfs(p.run, p.hour, box, false).bytes };
    }
    const b = /^\/gfs-bucket\/(gfs\.\d{8}\/\d{2}\/atmos)\/(gfs\.t\d{2}z\.pgrb2\.0p25\.f\d{3})(\.idx)?$/.exec(
      path,
    );
    if (b) {
      const p = parseGfsPath(b[1], b[2]);
      if (!p || missingRuns.has(p.run)) {
        return {
          status: 404,
          type: "application/xml",
          body: "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
        };
      }
      const f = gfs(p.run, p.hour, fullBox, true);
      if (b[3]) return { status: 200, type: "text/plain", body: f.idx };
      const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ""));
      if (!range) return { status: 200, type: "application/octet-stream", body: f.bytes };
      const from = +range[1];
      const to = range[2] ? Math.min(+range[2], f.bytes.length - 1) : f.bytes.length - 1;
      return {
        status: 206,
        type: "application/octet-stream",
        body: f.bytes.subarray(from, to + 1),
        headers: { "content-range": `bytes ${from}-${to}/${f.bytes.length}` },
      };
    }
    if (path === "/cmems/auth/token" && req.method === "POST") {
      const form = new URLSearchParams(body);
      if (form.get("client_id") !== "toolbox" || form.get("grant_type") !== "password") {
        return { status: 400, type: "application/json", body: '{"error":"invalid_request"}' };
      }
      if (form.get("username") !== CMEMS_USER || form.get("password") !== CMEMS_PASSWORD) {
        return {
          status: 401,
          type: "application/json",
          body: '{"error":"invalid_grant","error_description":"Invalid user credentials"}',
        };
      }
      return {
        status: 200,
        type: "application/json",
        body: JSON.stringify({ access_token: "eyJ.stand-in", expires_in: 300, token_type: "Bearer" }),
      };
    }
    if (path === `/cmems/stac/${CMEMS_PRODUCT}/product.stac.json`) {
      return {
        status: 200,
        type: "application/json",
        body: JSON.stringify({
          type: "Collection",
          id: CMEMS_PRODUCT,
          links: [
            { rel: "root", href: "../catalog.stac.json" },
            { rel: "item", href: `${CMEMS_DATASET}_202211/dataset.stac.json` },
            { rel: "item", href: `${CMEMS_VERSION}/dataset.stac.json` },
            { rel: "item", href: "cmems_mod_glo_phy-so_anfc_0.083deg_PT6H-i_202406/dataset.stac.json" },
          ],
        }),
      };
    }
    if (path === `/cmems/stac/${CMEMS_PRODUCT}/${CMEMS_VERSION}/dataset.stac.json`) {
      const arco = `${base}/cmems/arco`;
      return {
        status: 200,
        type: "application/json",
        body: JSON.stringify({
          type: "Feature",
          id: CMEMS_VERSION,
          properties: { title: "stand-in" },
          assets: {
            timeChunked: {
              href: `${arco}/time/${CMEMS_PRODUCT}/${CMEMS_VERSION}/timeChunked.zarr`,
              roles: ["data"],
            },
            geoChunked: {
              href: `${arco}/geo/${CMEMS_PRODUCT}/${CMEMS_VERSION}/geoChunked.zarr`,
              roles: ["data"],
            },
          },
        }),
      };
    }
    const z = /^\/cmems\/arco\/(time|geo)\/[^/]+\/[^/]+\/(?:time|geo)Chunked\.zarr\/(.+)$/.exec(path);
    if (z) {
      const bytes = await (z[1] === "time" ? stores.time : stores.geo)(z[2]);
      // S3 without list permission answers 403 for keys that do not exist.
      if (!bytes)
        return { status: 403, type: "application/xml", body: "<Error><Code>AccessDenied</Code></Error>" };
      return { status: 200, type: "application/octet-stream", body: bytes };
    }
    const n = /^\/thredds\/ncss\/grid\/(.+)$/.exec(path);
    if (n) {
      if (n[1] !== "arctic20/Arctic20_1to5Feb_2016.nc") return { status: 404, body: "dataset not found" };
      return ncssSubset(arctic, q, scratch);
    }
    return { status: 404, body: `no such path ${path}` };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const u = new URL(req.url ?? "/", "http://x");
      requests.push(`${req.method} ${u.pathname}${u.search}`);
      const prefix = [...new Set([...once.keys(), ...always.keys()])].find((p) => u.pathname.startsWith(p));
      const behaviour = prefix ? (once.get(prefix)?.shift() ?? always.get(prefix)) : undefined;
      if (behaviour === "hang") return; // never answer: the client's timeout must fire
      if (behaviour === "reset") {
        req.socket.destroy();
        return;
      }
      if (typeof behaviour === "number") {
        res.writeHead(behaviour, { "content-type": "text/html" });
        res.end(`<html><body><h1>${behaviour}</h1>stand-in failure</body></html>`);
        return;
      }
      let reply: Reply & { headers?: Record<string, string> };
      try {
        reply = await route(req, u.pathname, u.searchParams, Buffer.concat(chunks).toString());
      } catch (e) {
        reply = { status: 500, body: `stand-in error: ${(e as Error).message}` };
      }
      let bytes = typeof reply.body === "string" ? Buffer.from(reply.body) : Buffer.from(reply.body);
      if (behaviour === "short" && reply.status < 300)
        bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
      if (behaviour === "corrupt" && reply.status < 300) {
        bytes = Buffer.from(bytes.map((x, k) => (k % 7 === 3 ? x ^ 0x5a : x)));
        bytes.write("XXXX", 0);
      }
      res.writeHead(reply.status, {
        "content-type": reply.type ?? "text/plain",
        "content-length": String(bytes.length),
        ...(reply.headers ?? {}),
      });
      if (behaviour === "truncate") {
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.end(bytes);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    count: (prefix) => requests.filter((r) => r.split(" ")[1].startsWith(prefix)).length,
    failNext: (prefix, ...b) => once.set(prefix, [...(once.get(prefix) ?? []), ...b]),
    failAlways: (prefix, b) => (b === null ? always.delete(prefix) : always.set(prefix, b)),
    missingRuns,
    reset: () => {
      requests.length = 0;
      once.clear();
      always.clear();
      missingRuns.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      arctic.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
