// Land polygons for the page's offline basemap, cut into fixed tiles per zoom band and cached, so that
// panning reuses what is computed (GSHHG full resolution is slow over large areas). Fill only: tile edges
// cut polygons, so the page draws land without outlines.
import { Worker } from "node:worker_threads";
import type { GeoArea } from "../../coastline/index.js";
import type { CoastlineReply, CoastlineRequest, LandAnswer } from "./coastline-thread.js";
import type { BBox } from "./context.js";

interface Band {
  /** Tile size, degrees. */
  tile: number;
  /** Douglas-Peucker tolerance, metres (about a pixel at the band's zooms). */
  simplifyM: number;
}

/** Zoom → tiles and simplification. Below zoom 4 the whole world would take minutes: nothing is drawn. */
function bandFor(zoom: number): Band | null {
  if (zoom < 4) return null;
  if (zoom < 6) return { tile: 10, simplifyM: 3000 };
  if (zoom < 8) return { tile: 5, simplifyM: 800 };
  if (zoom < 10) return { tile: 2, simplifyM: 200 };
  if (zoom < 12) return { tile: 1, simplifyM: 50 };
  return { tile: 0.5, simplifyM: 10 };
}

const MAX_TILES = 60;
const CACHE_TILES = 400;

export interface CoastlineTiles {
  (bbox: BBox, zoom: number): Promise<{ type: "FeatureCollection"; features: unknown[]; note?: string }>;
  /** Whether a point is on land by the full-resolution land mask a run uses; null without a shoreline. */
  land(lat: number, lon: number): Promise<LandAnswer | null>;
  /** Which [lon, lat] points are on land by that mask (one mask around them all); null without a shoreline. */
  onLand(points: [number, number][]): Promise<boolean[] | null>;
  close(): Promise<void>;
}

class MissingShoreline extends Error {}

/** One long-lived thread that answers polygon requests in order; started on first use. */
function polygonThread(gshhgFile?: string) {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(fromSource ? "./coastline-thread.ts" : "./coastline-thread.js", import.meta.url);
  const start = () => {
    const w = new Worker(
      fromSource ? new URL("../../core/parallel/ts-bootstrap.mjs", import.meta.url) : entry,
      {
        workerData: { tsEntry: entry.href },
        execArgv: [],
      },
    );
    w.unref();
    w.on("message", (reply: CoastlineReply) => {
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiter) return;
      if ("polygons" in reply) waiter.resolve(reply.polygons);
      else if ("answer" in reply) waiter.resolve(reply.answer);
      else if ("onLand" in reply) waiter.resolve(reply.onLand);
      else waiter.reject(reply.missing ? new MissingShoreline(reply.error) : new Error(reply.error));
    });
    const failAll = (error: Error) => {
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
      worker = undefined;
    };
    w.on("error", failAll);
    w.on("exit", () => failAll(new Error("coastline thread stopped")));
    return w;
  };
  const ask = <T>(request: CoastlineRequest): Promise<T> => {
    worker ??= start();
    return new Promise((resolve, reject) => {
      pending.set(request.id, { resolve: resolve as (value: unknown) => void, reject });
      worker!.postMessage(request);
    });
  };
  return {
    polygons(area: GeoArea, simplifyM: number): Promise<[number, number][][][]> {
      return ask({ id: nextId++, kind: "polygons", area, simplifyM, gshhgFile });
    },
    land(lat: number, lon: number): Promise<LandAnswer> {
      return ask({ id: nextId++, kind: "land", lat, lon, gshhgFile });
    },
    onLand(points: [number, number][]): Promise<boolean[]> {
      return ask({ id: nextId++, kind: "onLand", points, gshhgFile });
    },
    async close() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}

export function coastlineTiles(gshhgFile?: string): CoastlineTiles {
  const cache = new Map<string, Promise<unknown | null>>();
  let missing: string | null = null;
  const thread = polygonThread(gshhgFile);

  const tile = (band: Band, x: number, y: number): Promise<unknown | null> => {
    const key = `${band.tile}:${x}:${y}`;
    let hit = cache.get(key);
    if (hit) {
      cache.delete(key); // LRU: move to the end
      cache.set(key, hit);
      return hit;
    }
    const west = x * band.tile;
    const south = y * band.tile;
    hit = thread
      .polygons(
        { west, east: west + band.tile, south, north: Math.min(90, south + band.tile) },
        band.simplifyM,
      )
      .then(
        (polygons) => {
          if (polygons.length === 0) return null;
          // The coastline answers in [-180, 180); put the tile back on the world copy the map asked for.
          const shift = 360 * Math.floor((west + 180) / 360);
          const coordinates =
            shift === 0
              ? polygons
              : polygons.map((rings) => rings.map((ring) => ring.map(([lon, lat]) => [lon + shift, lat])));
          return {
            type: "Feature",
            properties: { tile: key },
            geometry: { type: "MultiPolygon", coordinates },
          };
        },
        (error: unknown) => {
          cache.delete(key);
          if (error instanceof MissingShoreline) {
            missing = error.message;
            return null;
          }
          throw error;
        },
      );
    cache.set(key, hit);
    if (cache.size > CACHE_TILES) cache.delete(cache.keys().next().value as string);
    return hit;
  };

  const tiles = async (bbox: BBox, zoom: number) => {
    const band = bandFor(zoom);
    if (!band)
      return { type: "FeatureCollection" as const, features: [], note: "zoom in to see the coastline" };
    if (missing) return { type: "FeatureCollection" as const, features: [], note: missing };
    const x0 = Math.floor(bbox.west / band.tile);
    const x1 = Math.ceil(bbox.east / band.tile) - 1;
    const y0 = Math.max(Math.floor(bbox.south / band.tile), Math.floor(-90 / band.tile));
    const y1 = Math.min(Math.ceil(bbox.north / band.tile) - 1, Math.ceil(90 / band.tile) - 1);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES) {
      return {
        type: "FeatureCollection" as const,
        features: [],
        note: "area too large: zoom in to see the coastline",
      };
    }
    const features: unknown[] = [];
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const f = await tile(band, x, y);
        if (f) features.push(f);
      }
    }
    return { type: "FeatureCollection" as const, features, ...(missing ? { note: missing } : {}) };
  };
  /** A land-mask answer, or null once the shoreline is known to be missing. */
  const orNull = async <T>(ask: () => Promise<T>): Promise<T | null> => {
    if (missing) return null;
    try {
      return await ask();
    } catch (error) {
      if (!(error instanceof MissingShoreline)) throw error;
      missing = error.message;
      return null;
    }
  };
  const land = (lat: number, lon: number) => orNull(() => thread.land(lat, lon));
  const onLand = (points: [number, number][]) => orNull(() => thread.onLand(points));
  return Object.assign(tiles, { land, onLand, close: () => thread.close() });
}
