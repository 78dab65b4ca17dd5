// NOAA GFS 0.25° 10 m wind (UGRD/VGRD at 10 m above ground), from either
//   - the NOMADS grib filter (mode "filter"): filter_gfs_0p25.pl?dir=/gfs.YYYYMMDD/HH/atmos&file=gfs.tHHz.pgrb2.0p25.fFFF
//     &var_UGRD=on&var_VGRD=on&lev_10_m_above_ground=on&subregion=&leftlon=…&rightlon=…&toplat=…&bottomlat=…
//     which cuts the two fields to the area on the server, or
//   - a bucket of whole pgrb2 files with .idx inventories (mode "idx": NOAA's open-data bucket on AWS, or
//     NOMADS' /pub/data/nccf/com/gfs/prod tree): the .idx gives each message's byte offset, and only the
//     UGRD/VGRD 10 m messages are read with Range requests.
// A run (00/06/12/18Z) is published over ~3.5–5 h after its cycle time; the newest run old enough and not
// after the mission start is tried first, older ones when a forecast hour is missing (run incomplete).
// The fields of all forecast hours are decoded with our GRIB2 decoder and written as one CF NetCDF file.
import type { ForcingWindow } from "../../core/types.js";
import { readGrib2Wind, scanGrib2 } from "../grib2/index.js";
import { HttpError, type HttpOptions, httpGet } from "./http.js";
import { writeLonLatVector } from "./lonlat-netcdf.js";
import type { FetchOutcome, FetchPlan, ForcingProvider, RunChoice } from "./types.js";

export interface GfsOptions {
  /** Provider name (default "gfs" for the filter, "gfs-bucket" for idx). */
  name?: string;
  mode: "filter" | "idx";
  /** filter: the script URL (…/cgi-bin/filter_gfs_0p25.pl); idx: the folder holding gfs.YYYYMMDD/ folders. */
  baseUrl: string;
  /** Hours after the cycle time before a run is tried (default 4). */
  availabilityDelayHours?: number;
  /** Older runs to fall back to (default 3). */
  previousRuns?: number;
  /** Forecast step in hours while hourly output exists (default 1; 3 from f120 on). */
  hourStep?: number;
  /** Parallel requests (default 4; NOMADS limits clients that hammer it). */
  concurrency?: number;
}

export const GFS_DATASET = "gfs 0p25 pgrb2 10 m wind";
const CYCLE = 6 * 3600;
const MAX_FORECAST_HOURS = 384;
const HOURLY_UNTIL = 120;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
function cycleParts(run: number): { ymd: string; hh: string } {
  const d = new Date(run * 1000);
  return {
    ymd: `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`,
    hh: pad(d.getUTCHours()),
  };
}
export const runId = (run: number) => `${new Date(run * 1000).toISOString().slice(0, 13)}Z`;

/** Forecast hours of a run that bracket [start, end]: hourly to f120, 3-hourly after. */
export function forecastHours(run: number, start: number, end: number, step = 1): number[] {
  const lo = (start - run) / 3600;
  const hi = (end - run) / 3600;
  const out: number[] = [];
  let h = Math.max(0, Math.floor(lo / step) * step);
  if (h > HOURLY_UNTIL) h = Math.floor(h / 3) * 3;
  for (;;) {
    out.push(h);
    if (h >= hi || h >= MAX_FORECAST_HOURS) break;
    h += h >= HOURLY_UNTIL ? 3 : step;
    if (h > HOURLY_UNTIL && h % 3 !== 0) h = Math.ceil(h / 3) * 3;
  }
  return out;
}

/** 10 m UGRD/VGRD byte ranges from a GFS .idx inventory ("n:offset:d=YYYYMMDDHH:VAR:LEVEL:FCST:"). */
export function windRanges(idx: string, expectDate: string, name: string): { start: number; end?: number }[] {
  const lines = idx.split("\n").filter((l) => l.trim().length > 0);
  const entries = lines.map((l, k) => {
    const parts = l.split(":");
    const offset = Number(parts[1]);
    if (parts.length < 5 || !Number.isInteger(offset)) {
      throw new Error(
        `${name}: line ${k + 1} is not an inventory line (n:offset:d=…:VAR:LEVEL:…): ${l.slice(0, 80)}`,
      );
    }
    return { offset, date: parts[2], variable: parts[3], level: parts[4] };
  });
  const ranges: { start: number; end?: number }[] = [];
  entries.forEach((e, k) => {
    if ((e.variable !== "UGRD" && e.variable !== "VGRD") || e.level !== "10 m above ground") return;
    if (e.date !== `d=${expectDate}`)
      throw new Error(`${name}: inventory is for ${e.date}, expected d=${expectDate}`);
    const next = entries.slice(k + 1).find((n) => n.offset > e.offset);
    const range = { start: e.offset, ...(next ? { end: next.offset - 1 } : {}) };
    const last = ranges[ranges.length - 1];
    // UGRD and VGRD are neighbours in GFS files: one request for both.
    if (last && last.end !== undefined && last.end + 1 === range.start) last.end = range.end;
    else ranges.push(range);
  });
  const found = entries.filter(
    (e) => (e.variable === "UGRD" || e.variable === "VGRD") && e.level === "10 m above ground",
  );
  if (found.length < 2) throw new Error(`${name}: inventory lists no UGRD and VGRD at 10 m above ground`);
  return ranges;
}

function checkGrib(bytes: Uint8Array): void {
  const head = new TextDecoder().decode(bytes.subarray(0, 4));
  if (head !== "GRIB") {
    const text = new TextDecoder()
      .decode(bytes.subarray(0, 400))
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    if (/not present|no such file|not found|does not exist|data file is not/i.test(text)) {
      throw new HttpError("", "unavailable", `file not published yet: ${text.slice(0, 120)}`);
    }
    throw new Error(`not GRIB2 (starts with ${JSON.stringify(text.slice(0, 40))})`);
  }
  scanGrib2(bytes); // throws on truncated or damaged messages
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await fn(items[k]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}

export class GfsProvider implements ForcingProvider {
  readonly name: string;
  readonly kind = "wind" as const;
  readonly dataset = GFS_DATASET;
  readonly resolutionM = 27_800;
  private readonly opts: Required<Omit<GfsOptions, "name">>;

  constructor(opts: GfsOptions) {
    if (opts.mode !== "filter" && opts.mode !== "idx")
      throw new Error(`gfs: mode must be "filter" or "idx" (got ${opts.mode})`);
    if (!/^https?:\/\//.test(opts.baseUrl))
      throw new Error(`gfs: baseUrl must be an http(s) URL (got ${opts.baseUrl})`);
    this.name = opts.name ?? (opts.mode === "filter" ? "gfs" : "gfs-bucket");
    this.opts = {
      mode: opts.mode,
      baseUrl: opts.baseUrl.replace(/\/+$/, ""),
      availabilityDelayHours: opts.availabilityDelayHours ?? 4,
      previousRuns: opts.previousRuns ?? 3,
      hourStep: opts.hourStep ?? 1,
      concurrency: opts.concurrency ?? 4,
    };
  }

  runs(window: ForcingWindow, now: number): RunChoice[] {
    const newest =
      Math.floor(Math.min(now / 1000 - this.opts.availabilityDelayHours * 3600, window.start) / CYCLE) *
      CYCLE;
    const out: RunChoice[] = [];
    for (let k = 0; k <= this.opts.previousRuns; k++) {
      const run = newest - k * CYCLE;
      if (run + MAX_FORECAST_HOURS * 3600 < window.end) break; // too old to reach the end
      out.push({ id: runId(run), time: run });
    }
    return out;
  }

  private urls(run: number, hour: number, area: ForcingWindow): { data: string; idx: string } {
    const { ymd, hh } = cycleParts(run);
    const file = `gfs.t${hh}z.pgrb2.0p25.f${pad(hour, 3)}`;
    const dir = `/gfs.${ymd}/${hh}/atmos`;
    if (this.opts.mode === "idx") {
      const data = `${this.opts.baseUrl}${dir}/${file}`;
      return { data, idx: `${data}.idx` };
    }
    const q = new URLSearchParams({
      dir,
      file,
      var_UGRD: "on",
      var_VGRD: "on",
      lev_10_m_above_ground: "on",
      subregion: "",
      leftlon: String(area.west),
      rightlon: String(area.east),
      toplat: String(area.north),
      bottomlat: String(area.south),
    });
    return { data: `${this.opts.baseUrl}?${q}`, idx: "" };
  }

  private async hour(run: number, hour: number, area: ForcingWindow, http: HttpOptions): Promise<Uint8Array> {
    const u = this.urls(run, hour, area);
    if (this.opts.mode === "filter") return httpGet(u.data, http, { check: checkGrib });
    const idx = new TextDecoder().decode(await httpGet(u.idx, http));
    const { ymd, hh } = cycleParts(run);
    const parts: Uint8Array[] = [];
    for (const range of windRanges(idx, ymd + hh, u.idx)) {
      parts.push(await httpGet(u.data, http, { range, check: checkGrib }));
    }
    return concat(parts);
  }

  async fetch(plan: FetchPlan): Promise<FetchOutcome> {
    const run = plan.run.time;
    const w = plan.request;
    const hours = forecastHours(run, w.start, w.end, this.opts.hourStep);
    const pieces = await inBatches(hours, this.opts.concurrency, (h) => this.hour(run, h, w, plan.http));
    const bytes = concat(pieces);
    const name = `GFS ${plan.run.id} f${pad(hours[0], 3)}–f${pad(hours[hours.length - 1], 3)}`;
    const wind = readGrib2Wind(bytes, {
      from: w.start,
      to: w.end,
      area: { west: w.west, east: w.east, south: w.south, north: w.north },
      name,
    });
    await writeLonLatVector(plan.tmpPath, {
      kind: "wind",
      lon: wind.lon,
      lat: wind.lat,
      times: wind.times,
      u: wind.u,
      v: wind.v,
      referenceTime: run,
      attributes: {
        title: `NOAA GFS 0.25° 10 m wind, run ${plan.run.id}, forecast hours ${hours[0]}–${hours[hours.length - 1]}`,
        institution: "NOAA/NCEP",
        source: "Global Forecast System (GFS) 0.25°, pgrb2 UGRD/VGRD 10 m above ground",
        references: "https://www.nco.ncep.noaa.gov/pmb/products/gfs/",
        history: `${new Date(plan.now).toISOString()} fetched by driftline (${this.opts.mode === "filter" ? "NOMADS grib filter" : ".idx byte ranges"})`,
        forecast_reference_time: plan.run.id,
      },
    });
    const first = this.urls(run, hours[0], w).data;
    const last = this.urls(run, hours[hours.length - 1], w).data;
    return { urls: first === last ? [first] : [first, last], modelRun: plan.run.id };
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
