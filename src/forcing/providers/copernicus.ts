// Copernicus Marine (CMEMS) global ocean physics surface currents from the ARCO Zarr stores of the Marine
// Data Store, the way the official toolbox reads them:
//   1. the STAC metadata ({stacUrl}/{product}/product.stac.json → newest {dataset}_{version} item) give the
//      URLs of two Zarr (v2, consolidated .zmetadata) copies of the dataset: "timeChunked" (one time step ×
//      large tiles) and "geoChunked" (many time steps × small tiles);
//   2. the user's credentials are checked once against the Copernicus Marine login service (OpenID Connect
//      password grant, client "toolbox"); the stores themselves are public S3 objects, and each request
//      names the user in x-cop-user / x-cop-client query parameters as the toolbox does;
//   3. coordinates (time, latitude, longitude, depth) are read whole, the index box of the mission found, and
//      only the chunks of uo/vo (or utotal/vtotal) inside it read, from whichever copy needs fewer chunks.
// The surface level (smallest |depth|) is kept; CF packing (scale_factor, add_offset, _FillValue) applied.
import type * as Zarr from "zarrita";
import type { ForcingWindow } from "../../core/types.js";
import { parseTimeUnits } from "../cf.js";
import { HttpError, type HttpOptions, httpGet, redactUrl } from "./http.js";
import { writeLonLatVector } from "./lonlat-netcdf.js";
import type { FetchOutcome, FetchPlan, ForcingProvider, RunChoice } from "./types.js";

export interface CopernicusOptions {
  name?: string;
  /** STAC metadata root (default https://stac.marine.copernicus.eu/metadata). */
  stacUrl?: string;
  /** Skip STAC: the Zarr store URL(s) to read. */
  zarrUrls?: { timeChunked?: string; geoChunked?: string };
  /** OpenID Connect token endpoint used to check the credentials; "" to skip the check. */
  authUrl?: string;
  product?: string;
  dataset?: string;
  /** Eastward and northward components (default uo, vo). */
  variables?: [string, string];
  asset?: "auto" | "timeChunked" | "geoChunked";
  username?: string;
  password?: string;
  /** Names of the environment variables the credentials came from (for messages). */
  credentialNames?: [string, string];
  /** Hours between dataset updates: cached downloads are reused within one such slot (default 24). */
  refreshHours?: number;
  resolutionM?: number;
}

export const CMEMS_DEFAULTS = {
  stacUrl: "https://stac.marine.copernicus.eu/metadata",
  authUrl: "https://auth.marine.copernicus.eu/realms/MIS/protocol/openid-connect/token",
  product: "GLOBAL_ANALYSISFORECAST_PHY_001_024",
  dataset: "cmems_mod_glo_phy_anfc_0.083deg_PT1H-m",
  variables: ["uo", "vo"] as [string, string],
};

/** Zarrita store over HTTP with our timeouts/retries; 403/404 mean "no such key" (S3 without listing). */
export class HttpZarrStore {
  constructor(
    private readonly base: string,
    private readonly http: HttpOptions,
    private readonly query: string,
  ) {}
  async get(key: `/${string}`): Promise<Uint8Array | undefined> {
    const url = `${this.base.replace(/\/+$/, "")}${key}${this.query ? `?${this.query}` : ""}`;
    try {
      return await httpGet(url, this.http);
    } catch (e) {
      if (e instanceof HttpError && (e.status === 404 || e.status === 403)) return undefined;
      throw e;
    }
  }
}

const tokenChecked = new Map<string, number>();
const stacResolved = new Map<
  string,
  { at: number; versionId: string; timeChunked?: string; geoChunked?: string }
>();

interface Axis {
  name: string;
  values: Float64Array;
}

/** Inclusive index range of `values` bracketing [lo, hi] (values monotonic either way). */
function bracket(values: Float64Array, lo: number, hi: number): [number, number] {
  const n = values.length;
  const up = n < 2 || values[n - 1] >= values[0];
  const pos = (k: number) => (up ? values[k] : values[n - 1 - k]); // increasing view
  let a = 0;
  while (a < n - 1 && pos(a + 1) <= lo) a++;
  let b = n - 1;
  while (b > a && pos(b - 1) >= hi) b--;
  return up ? [a, b] : [n - 1 - b, n - 1 - a];
}

function decodeNumbers(data: ArrayLike<number | bigint>): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

type AnyArray = Zarr.Array<Zarr.DataType, HttpZarrStore>;
/** zarrita (36 modules) loads on the first Copernicus fetch, not with every run that could fetch. */
const zarrita = () => import("zarrita");

function dimsOf(arr: AnyArray, name: string): string[] {
  const dims = arr.dimensionNames ?? (arr.attrs._ARRAY_DIMENSIONS as string[] | undefined);
  if (!Array.isArray(dims) || dims.length !== arr.shape.length) {
    throw new Error(`Zarr array ${name}: no dimension names (_ARRAY_DIMENSIONS)`);
  }
  return dims;
}

/** CF decoding of raw values: fill/missing → NaN, then scale_factor/add_offset. */
function unpack(arr: AnyArray, raw: ArrayLike<number | bigint>): Float32Array {
  const a = arr.attrs;
  const num = (v: unknown) =>
    typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : undefined;
  const scale = num(a.scale_factor) ?? 1;
  const offset = num(a.add_offset) ?? 0;
  const fills = [
    num(a._FillValue),
    num(a.missing_value),
    typeof arr.fillValue === "number" ? arr.fillValue : undefined,
  ].filter((x): x is number => x !== undefined && !Number.isNaN(x));
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const x = Number(raw[i]);
    out[i] = Number.isNaN(x) || fills.includes(x) ? Number.NaN : x * scale + offset;
  }
  return out;
}

export class CopernicusMarineProvider implements ForcingProvider {
  readonly name: string;
  readonly kind = "current" as const;
  readonly dataset: string;
  readonly resolutionM: number;
  readonly unavailable?: string;
  private readonly o: CopernicusOptions & { variables: [string, string] };

  constructor(o: CopernicusOptions) {
    this.o = { ...o, variables: o.variables ?? CMEMS_DEFAULTS.variables };
    this.name = o.name ?? "cmems";
    this.dataset = o.dataset ?? CMEMS_DEFAULTS.dataset;
    this.resolutionM = o.resolutionM ?? 9_000;
    const [uName, pName] = o.credentialNames ?? [
      "COPERNICUSMARINE_SERVICE_USERNAME",
      "COPERNICUSMARINE_SERVICE_PASSWORD",
    ];
    if (!o.username || !o.password) {
      this.unavailable = `Copernicus Marine credentials not set (${uName} and ${pName})`;
    }
  }

  runs(_window: ForcingWindow, now: number): RunChoice[] {
    const slot = (this.o.refreshHours ?? 24) * 3600;
    const t = Math.floor(now / 1000 / slot) * slot;
    return [{ id: `update of ${new Date(t * 1000).toISOString().slice(0, 13)}Z`, time: t }];
  }

  private get query(): string {
    return new URLSearchParams({
      "x-cop-client": "driftline",
      "x-cop-user": this.o.username ?? "",
    }).toString();
  }

  /** Logs in once per process and credential (the token itself is not needed by the public stores). */
  private async checkCredentials(http: HttpOptions): Promise<void> {
    const authUrl = this.o.authUrl ?? CMEMS_DEFAULTS.authUrl;
    if (!authUrl) return;
    const key = `${authUrl}|${this.o.username}|${this.o.password}`;
    if ((tokenChecked.get(key) ?? 0) > Date.now()) return;
    const body = new URLSearchParams({
      client_id: "toolbox",
      grant_type: "password",
      scope: "openid profile email",
      username: this.o.username ?? "",
      password: this.o.password ?? "",
    }).toString();
    let reply: Uint8Array;
    try {
      reply = await httpGet(authUrl, http, {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    } catch (e) {
      if (e instanceof HttpError && (e.status === 400 || e.status === 401 || e.status === 403)) {
        const [uName] = this.o.credentialNames ?? ["COPERNICUSMARINE_SERVICE_USERNAME"];
        throw new HttpError(
          authUrl,
          "status",
          `Copernicus Marine login rejected the credentials of ${uName}=${this.o.username} (check user name and password)`,
          e.status,
        );
      }
      throw e;
    }
    let expires = 300;
    try {
      const json = JSON.parse(new TextDecoder().decode(reply)) as {
        access_token?: string;
        expires_in?: number;
      };
      if (!json.access_token) throw new Error("no access_token");
      if (typeof json.expires_in === "number") expires = json.expires_in;
    } catch (e) {
      throw new HttpError(
        authUrl,
        "invalid",
        `Copernicus Marine login answered without a token (${(e as Error).message})`,
      );
    }
    tokenChecked.set(key, Date.now() + Math.max(60, expires - 30) * 1000);
  }

  /** URLs of the dataset's Zarr stores, from configuration or the STAC metadata (cached for an hour). */
  private async stores(
    http: HttpOptions,
  ): Promise<{ versionId: string; timeChunked?: string; geoChunked?: string }> {
    if (this.o.zarrUrls) return { versionId: this.dataset, ...this.o.zarrUrls };
    const stac = (this.o.stacUrl ?? CMEMS_DEFAULTS.stacUrl).replace(/\/+$/, "");
    const product = this.o.product ?? CMEMS_DEFAULTS.product;
    const cacheKey = `${stac}|${product}|${this.dataset}`;
    const hit = stacResolved.get(cacheKey);
    if (hit && Date.now() - hit.at < 3_600_000) return hit;
    const productUrl = `${stac}/${product}/product.stac.json`;
    const productJson = JSON.parse(new TextDecoder().decode(await httpGet(productUrl, http))) as {
      links?: { rel?: string; href?: string }[];
    };
    const items = (productJson.links ?? [])
      .filter((l) => l.rel === "item" && typeof l.href === "string")
      .map((l) => l.href as string)
      .filter((href) => {
        const id = href
          .replace(/^\.\//, "")
          .split("/")[0]
          .replace(/\.stac\.json$/, "");
        return id === this.dataset || id.startsWith(`${this.dataset}_`);
      })
      .sort();
    if (items.length === 0) {
      throw new HttpError(productUrl, "unavailable", `product ${product} has no dataset ${this.dataset}`);
    }
    const itemUrl = new URL(items[items.length - 1], productUrl).toString();
    const item = JSON.parse(new TextDecoder().decode(await httpGet(itemUrl, http))) as {
      id?: string;
      assets?: Record<string, { href?: string }>;
    };
    const assets = item.assets ?? {};
    const found = {
      at: Date.now(),
      versionId: item.id ?? items[items.length - 1].split("/")[0],
      ...(assets.timeChunked?.href
        ? { timeChunked: new URL(assets.timeChunked.href, itemUrl).toString() }
        : {}),
      ...(assets.geoChunked?.href ? { geoChunked: new URL(assets.geoChunked.href, itemUrl).toString() } : {}),
    };
    if (!found.timeChunked && !found.geoChunked) {
      throw new HttpError(
        itemUrl,
        "unavailable",
        `dataset ${found.versionId} has no ARCO Zarr asset (timeChunked/geoChunked)`,
      );
    }
    stacResolved.set(cacheKey, found);
    return found;
  }

  private async openStore(url: string, http: HttpOptions) {
    const zarr = await zarrita();
    const store = await zarr.withMaybeConsolidatedMetadata(new HttpZarrStore(url, http, this.query));
    return zarr.root(store);
  }

  async fetch(plan: FetchPlan): Promise<FetchOutcome> {
    await this.checkCredentials(plan.http);
    const zarr = await zarrita();
    const urls = await this.stores(plan.http);
    const preference = this.o.asset ?? "auto";
    const first =
      preference === "geoChunked"
        ? (urls.geoChunked ?? urls.timeChunked)
        : (urls.timeChunked ?? urls.geoChunked);
    const root = await this.openStore(first!, plan.http);
    const [uName, vName] = this.o.variables;
    const open = async (r: typeof root, name: string): Promise<AnyArray> => {
      try {
        return (await zarr.open(r.resolve(name), { kind: "array" })) as AnyArray;
      } catch (e) {
        throw new Error(`Zarr store ${redactUrl(first!)}: no variable ${name} (${(e as Error).message})`);
      }
    };
    const u0 = await open(root, uName);
    const dims = dimsOf(u0, uName);
    const axisName = (re: RegExp, what: string) => {
      const d = dims.find((x) => re.test(x));
      if (!d) throw new Error(`Zarr variable ${uName} has dimensions ${dims.join(", ")}: no ${what}`);
      return d;
    };
    const tDim = axisName(/^time/i, "time");
    const yDim = axisName(/^(lat|latitude|y)$/i, "latitude");
    const xDim = axisName(/^(lon|longitude|x)$/i, "longitude");
    const zDim = dims.find((d) => d !== tDim && d !== yDim && d !== xDim);
    const readAxis = async (name: string): Promise<Axis> => {
      const a = await open(root, name);
      const got = await zarr.get(a, null);
      return { name, values: decodeNumbers(got.data as ArrayLike<number | bigint>) };
    };
    const [tAxis, yAxis, xAxis] = [await readAxis(tDim), await readAxis(yDim), await readAxis(xDim)];
    const tArr = await open(root, tDim);
    const units = String(tArr.attrs.units ?? "");
    const tu = parseTimeUnits(units, String(tArr.attrs.calendar ?? "standard"));
    const times = tAxis.values.map((x) => Math.round(tu.epoch + x * tu.factor));
    let zIndex = 0;
    if (zDim) {
      try {
        const z = await readAxis(zDim);
        for (let k = 1; k < z.values.length; k++)
          if (Math.abs(z.values[k]) < Math.abs(z.values[zIndex])) zIndex = k;
      } catch {
        zIndex = 0; // no coordinate variable: the first level is the surface in CMEMS stores
      }
    }

    const w = plan.request;
    const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 16);
    if (times[times.length - 1] < w.start || times[0] > w.end) {
      throw new Error(`dataset has times ${iso(times[0])}..${iso(times[times.length - 1])} only`);
    }
    const [k0, k1] = bracket(times, w.start, w.end);
    const [j0, j1] = bracket(yAxis.values, w.south, w.north);
    const lon = xAxis.values;
    const n = lon.length;
    const step = n > 1 ? Math.abs(lon[1] - lon[0]) : 360;
    const global = Math.abs(Math.abs(lon[n - 1] - lon[0]) + step - 360) < step / 2;
    let west = w.west;
    while (west < lon[0]) west += 360;
    while (west >= lon[0] + 360) west -= 360;
    const east = west + (w.east - w.west);
    // Column pieces: [from, to] index ranges and the shift (degrees) added to their longitudes.
    const pieces: { from: number; to: number; shift: number }[] = [];
    if (east <= lon[n - 1] || !global) {
      const [i0, i1] = bracket(lon, west, east);
      pieces.push({ from: i0, to: i1, shift: 0 });
    } else {
      const [i0] = bracket(lon, west, lon[n - 1]);
      const [, i1] = bracket(lon, lon[0], east - 360);
      pieces.push({ from: i0, to: n - 1, shift: 0 }, { from: 0, to: i1, shift: 360 });
    }

    // Choose the copy that needs fewer chunks for this box.
    let dataRoot = root;
    let dataUrl = first!;
    if (preference === "auto" && urls.timeChunked && urls.geoChunked) {
      const count = (a: AnyArray) => {
        const c = a.chunks;
        let total = 0;
        for (const p of pieces) {
          let m = 1;
          dims.forEach((d, k) => {
            const [lo, hi] =
              d === tDim ? [k0, k1] : d === yDim ? [j0, j1] : d === xDim ? [p.from, p.to] : [zIndex, zIndex];
            m *= Math.floor(hi / c[k]) - Math.floor(lo / c[k]) + 1;
          });
          total += m;
        }
        return total;
      };
      const otherUrl = dataUrl === urls.timeChunked ? urls.geoChunked : urls.timeChunked;
      const otherRoot = await this.openStore(otherUrl, plan.http);
      const other = await open(otherRoot, uName);
      if (count(other) < count(u0)) {
        dataRoot = otherRoot;
        dataUrl = otherUrl;
      }
    }

    const nt = k1 - k0 + 1;
    const ny = j1 - j0 + 1;
    const nx = pieces.reduce((a, p) => a + p.to - p.from + 1, 0);
    const readComponent = async (name: string): Promise<Float32Array[]> => {
      const arr = await open(dataRoot, name);
      const fields = Array.from({ length: nt }, () => new Float32Array(nx * ny));
      let col0 = 0;
      for (const p of pieces) {
        const sel = dims.map((d) =>
          d === tDim
            ? zarr.slice(k0, k1 + 1)
            : d === yDim
              ? zarr.slice(j0, j1 + 1)
              : d === xDim
                ? zarr.slice(p.from, p.to + 1)
                : zIndex,
        );
        const got = await zarr.get(arr, sel);
        const values = unpack(arr, got.data as ArrayLike<number | bigint>);
        const pw = p.to - p.from + 1;
        // Result is [time][lat][lon] (the depth index dropped); rows go south → north in the output.
        const up = yAxis.values[j1] >= yAxis.values[j0];
        for (let t = 0; t < nt; t++) {
          for (let j = 0; j < ny; j++) {
            const srcRow = (t * ny + (up ? j : ny - 1 - j)) * pw;
            fields[t].set(values.subarray(srcRow, srcRow + pw), j * nx + col0);
          }
        }
        col0 += pw;
      }
      return fields;
    };
    const u = await readComponent(uName);
    // Missing chunks read as the fill value: a store that refuses every chunk would look like all land.
    if (u.every((f) => f.every(Number.isNaN))) {
      throw new Error(
        `${uName} has no values in the area (every chunk missing or land only) in ${redactUrl(dataUrl)}`,
      );
    }
    const v = await readComponent(vName);
    const lonOut = new Float64Array(nx);
    let c = 0;
    for (const p of pieces) for (let i = p.from; i <= p.to; i++) lonOut[c++] = lon[i] + p.shift;
    const latSlice = yAxis.values.slice(j0, j1 + 1);
    const latOut = latSlice[latSlice.length - 1] >= latSlice[0] ? latSlice : latSlice.slice().reverse();
    const store = await this.stores(plan.http);
    await writeLonLatVector(plan.tmpPath, {
      kind: "current",
      lon: lonOut,
      lat: latOut,
      times: Array.from(times.subarray(k0, k1 + 1)),
      u,
      v,
      names: [uName, vName],
      attributes: {
        title: `Copernicus Marine ${store.versionId} surface current (${uName}, ${vName})`,
        institution: "Copernicus Marine Service (CMEMS)",
        source: `${this.o.product ?? CMEMS_DEFAULTS.product} / ${store.versionId}, ARCO Zarr ${dataUrl.includes("geoChunked") ? "geoChunked" : "timeChunked"}`,
        references: "https://marine.copernicus.eu/",
        history: `${new Date(plan.now).toISOString()} fetched by driftline`,
      },
    });
    return { urls: [redactUrl(dataUrl)], modelRun: `${store.versionId}, ${plan.run.id}` };
  }
}
