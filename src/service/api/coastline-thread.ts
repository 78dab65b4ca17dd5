// Worker-thread entry: computes land polygons (GSHHG full resolution is CPU-heavy) off the API's event loop.
import { parentPort } from "node:worker_threads";
import type { GeoArea } from "../../coastline/index.js";
import { coastlinePolygons, GshhgMissingError } from "../../coastline/index.js";

export interface CoastlineRequest {
  id: number;
  area: GeoArea;
  simplifyM: number;
  gshhgFile?: string;
}

export type CoastlineReply =
  | { id: number; polygons: [number, number][][][] }
  | { id: number; error: string; missing: boolean };

parentPort?.on("message", async (request: CoastlineRequest) => {
  try {
    const polygons = await coastlinePolygons(request.area, {
      simplifyM: request.simplifyM,
      gshhgFile: request.gshhgFile,
    });
    parentPort?.postMessage({ id: request.id, polygons } satisfies CoastlineReply);
  } catch (error) {
    parentPort?.postMessage({
      id: request.id,
      error: (error as Error).message,
      missing: error instanceof GshhgMissingError,
    } satisfies CoastlineReply);
  }
});
