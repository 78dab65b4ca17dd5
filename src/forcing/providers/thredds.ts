// THREDDS Data Server datasets through the NetCDF Subset Service (NCSS):
//   {baseUrl}/{ncssPath}/{dataset}?var=U&var=V&north=…&south=…&east=…&west=…&horizStride=1
//     &time_start=…&time_end=…&accept=netcdf[&vertCoord=…]
// The server answers with a NetCDF-3 file of the subset, on the dataset's own grid (a projected model such
// as NorKyst800 or MEPS comes back as the native x/y subset with its grid_mapping), which is stored as is.
// The dataset path may name its forecast run with {YYYY}{MM}{DD}{HH} placeholders (e.g. MET Norway's
// NorKyst-800m_ZDEPTHS_his.an.{YYYY}{MM}{DD}{HH}.nc); runs then go back in cycleHours steps when one is
// missing. Without placeholders (a "latest"/"best" aggregation) the dataset is one moving target, reused
// for refreshHours.

import { writeFile } from "node:fs/promises";
import type { ForcingWindow } from "../../core/types.js";
import type { LonLatBox } from "../area.js";
import type { VectorKind } from "../discover.js";
import { HttpError, httpGet } from "./http.js";
import type { FetchOutcome, FetchPlan, ForcingProvider, RunChoice } from "./types.js";

export interface ThreddsOptions {
  name: string;
  kind: VectorKind;
  /** Server root, e.g. https://thredds.met.no/thredds */
  baseUrl: string;
  /** Dataset path below the NCSS endpoint, possibly with {YYYY}{MM}{DD}{HH}. */
  dataset: string;
  /** The two vector components as the dataset names them (e.g. ["u_eastward", "v_northward"]). */
  variables: [string, string];
  /** Default "ncss/grid" (TDS 5); "ncss" for TDS 4. */
  ncssPath?: string;
  /** vertCoord for 3-D variables (the level value, e.g. 0 for the surface of a z-level model). */
  vertCoord?: number;
  /** Typical grid spacing in metres (to prefer finer models). */
  resolutionM: number;
  /** The model's domain, when known: missions outside it skip the dataset without a request. */
  area?: LonLatBox;
  /** Spacing of the dataset's time steps (hours): the request reaches one step beyond the window (default 1). */
  timeStepHours?: number;
  /** Forecast cycles in hours (default 24) and the delay before a cycle is published (default 3). */
  cycleHours?: number;
  availabilityDelayHours?: number;
  /** Older cycles to fall back to (default 2). */
  previousRuns?: number;
  /** For datasets without run placeholders: hours a download is reused (default 6). */
  refreshHours?: number;
  /** Basic-auth credentials (from the environment), for servers that need them. */
  username?: string;
  password?: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const isoHour = (t: number) => `${new Date(t * 1000).toISOString().slice(0, 13)}Z`;

function fill(template: string, run: number): string {
  const d = new Date(run * 1000);
  return template
    .replaceAll("{YYYY}", String(d.getUTCFullYear()))
    .replaceAll("{MM}", pad(d.getUTCMonth() + 1))
    .replaceAll("{DD}", pad(d.getUTCDate()))
    .replaceAll("{HH}", pad(d.getUTCHours()));
}

function checkNetcdf(bytes: Uint8Array): void {
  const cdf =
    bytes[0] === 0x43 &&
    bytes[1] === 0x44 &&
    bytes[2] === 0x46 &&
    (bytes[3] === 1 || bytes[3] === 2 || bytes[3] === 5);
  const hdf = bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46;
  if (!cdf && !hdf) {
    const text = new TextDecoder()
      .decode(bytes.subarray(0, 300))
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    throw new Error(`not NetCDF (the server said: ${JSON.stringify(text.slice(0, 120))})`);
  }
}

export class ThreddsNcssProvider implements ForcingProvider {
  readonly name: string;
  readonly kind: VectorKind;
  readonly dataset: string;
  readonly resolutionM: number;
  readonly domain?: LonLatBox;
  private readonly o: ThreddsOptions;
  private readonly templated: boolean;

  constructor(o: ThreddsOptions) {
    const where = `thredds provider ${o.name ?? "(unnamed)"}`;
    if (!o.name) throw new Error(`${where}: needs a name`);
    if (o.kind !== "wind" && o.kind !== "current")
      throw new Error(`${where}: kind must be "wind" or "current"`);
    if (!/^https?:\/\//.test(o.baseUrl ?? "")) throw new Error(`${where}: baseUrl must be an http(s) URL`);
    if (!o.dataset) throw new Error(`${where}: needs a dataset path`);
    if (!Array.isArray(o.variables) || o.variables.length !== 2)
      throw new Error(`${where}: variables must name [u, v]`);
    if (!(o.resolutionM > 0)) throw new Error(`${where}: resolutionM must be a positive number of metres`);
    this.o = o;
    this.name = o.name;
    this.kind = o.kind;
    this.dataset = o.dataset;
    this.resolutionM = o.resolutionM;
    if (o.area) this.domain = o.area;
    this.templated = /\{(YYYY|MM|DD|HH)\}/.test(o.dataset);
  }

  runs(window: ForcingWindow, now: number): RunChoice[] {
    if (!this.templated) {
      const slot = (this.o.refreshHours ?? 6) * 3600;
      const t = Math.floor(now / 1000 / slot) * slot;
      return [{ id: `latest as of ${isoHour(t)}`, time: t }];
    }
    const cycle = (this.o.cycleHours ?? 24) * 3600;
    const ready = now / 1000 - (this.o.availabilityDelayHours ?? 3) * 3600;
    const newest = Math.floor(Math.min(ready, window.start) / cycle) * cycle;
    return Array.from({ length: (this.o.previousRuns ?? 2) + 1 }, (_, k) => {
      const t = newest - k * cycle;
      return { id: isoHour(t), time: t };
    });
  }

  url(run: RunChoice, w: ForcingWindow): string {
    const step = (this.o.timeStepHours ?? 1) * 3600;
    const path = this.templated ? fill(this.o.dataset, run.time) : this.o.dataset;
    const q = new URLSearchParams();
    for (const v of this.o.variables) q.append("var", v);
    const iso = (t: number) => new Date(t * 1000).toISOString().replace(".000Z", "Z");
    q.set("north", String(w.north));
    q.set("south", String(w.south));
    q.set("east", String(w.east));
    q.set("west", String(w.west));
    q.set("horizStride", "1");
    q.set("time_start", iso(w.start - step));
    q.set("time_end", iso(w.end + step));
    q.set("accept", "netcdf");
    if (this.o.vertCoord !== undefined) q.set("vertCoord", String(this.o.vertCoord));
    const base = this.o.baseUrl.replace(/\/+$/, "");
    const ncss = (this.o.ncssPath ?? "ncss/grid").replace(/^\/+|\/+$/g, "");
    return `${base}/${ncss}/${path.replace(/^\/+/, "")}?${q}`;
  }

  async fetch(plan: FetchPlan): Promise<FetchOutcome> {
    const url = this.url(plan.run, plan.request);
    const headers: Record<string, string> = {};
    if (this.o.username) {
      headers.authorization = `Basic ${Buffer.from(`${this.o.username}:${this.o.password ?? ""}`).toString("base64")}`;
    }
    let bytes: Uint8Array;
    try {
      bytes = await httpGet(url, plan.http, { headers, check: checkNetcdf });
    } catch (e) {
      // NCSS answers 400 when the area or times fall outside the dataset: not something a retry mends.
      if (e instanceof HttpError && e.status === 400) {
        throw new HttpError(
          url,
          "status",
          `the service refused the subset: ${e.message.replace(/^HTTP 400:?\s*/, "")}`,
          400,
        );
      }
      throw e;
    }
    await writeFile(plan.tmpPath, bytes);
    return { urls: [url] };
  }
}
